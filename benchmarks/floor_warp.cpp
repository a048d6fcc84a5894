// Generic-warp floor of the end-to-end benchmark (issue #6): every raster
// asset of a STAC ItemCollection warped onto the analysis grid with GDAL's
// general warper (bilinear), whole grid at once, into one reused buffer —
// what a straightforward implementation pays before any science.
//
// Usage: paddymrv_floor_warp ITEMS.json GRID_LIKE.tif [--assets vv,vh,SCL]
//   GRID_LIKE.tif: any raster on the analysis grid (CRS, origin, size), e.g.
//   the simulator's truth/crop_class.tif.
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <gdalwarper.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "benchmarks/floor_common.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s ITEMS.json GRID_LIKE.tif [--assets k1,k2,...]\n", argv[0]);
    return 64;
  }
  std::set<std::string> only;
  for (int i = 3; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--assets") == 0) only = floor_bench::split_keys(argv[i + 1]);
  }
  GDALAllRegister();
  const auto t0 = std::chrono::steady_clock::now();
  GDALDatasetUniquePtr grid(GDALDataset::Open(argv[2], GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!grid) {
    std::fprintf(stderr, "%s: cannot open\n", argv[2]);
    return 65;
  }
  const int gw = grid->GetRasterXSize(), gh = grid->GetRasterYSize();
  double ggt[6];
  grid->GetGeoTransform(ggt);
  const std::string gwkt = grid->GetProjectionRef();

  const auto assets = floor_bench::stac_assets(argv[1], only);
  std::vector<float> out(static_cast<std::size_t>(gw) * gh);
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  double checksum = 0;
  for (const auto& a : assets) {
    GDALDatasetH src = GDALOpen(a.path.c_str(), GA_ReadOnly);
    if (!src) {
      std::fprintf(stderr, "%s: cannot open\n", a.path.c_str());
      return 65;
    }
    GDALDatasetUniquePtr dst(mem->Create("", gw, gh, 0, GDT_Float32, nullptr));
    char ptr[64];
    std::snprintf(ptr, sizeof ptr, "DATAPOINTER=%p", static_cast<void*>(out.data()));
    char* band_options[] = {ptr, nullptr};
    dst->AddBand(GDT_Float32, band_options);
    dst->SetGeoTransform(ggt);
    dst->SetProjection(gwkt.c_str());

    GDALWarpOptions* opt = GDALCreateWarpOptions();
    opt->hSrcDS = src;
    opt->hDstDS = GDALDataset::ToHandle(dst.get());
    opt->nBandCount = 1;
    opt->panSrcBands = static_cast<int*>(CPLMalloc(sizeof(int)));
    opt->panSrcBands[0] = 1;
    opt->panDstBands = static_cast<int*>(CPLMalloc(sizeof(int)));
    opt->panDstBands[0] = 1;
    opt->eResampleAlg = GRA_Bilinear;
    opt->eWorkingDataType = GDT_Float32;
    int has_nodata = 0;
    const double nd = GDALGetRasterNoDataValue(GDALGetRasterBand(src, 1), &has_nodata);
    if (has_nodata) {
      opt->padfSrcNoDataReal = static_cast<double*>(CPLMalloc(sizeof(double)));
      opt->padfSrcNoDataReal[0] = nd;
    }
    opt->pTransformerArg = GDALCreateGenImgProjTransformer2(src, opt->hDstDS, nullptr);
    opt->pfnTransformer = GDALGenImgProjTransform;
    GDALWarpOperation op;
    if (!opt->pTransformerArg || op.Initialize(opt) != CE_None || op.ChunkAndWarpImage(0, 0, gw, gh) != CE_None) {
      std::fprintf(stderr, "%s: warp failed: %s\n", a.path.c_str(), CPLGetLastErrorMsg());
      return 65;
    }
    checksum += out[out.size() / 2];
    GDALDestroyGenImgProjTransformer(opt->pTransformerArg);
    GDALDestroyWarpOptions(opt);
    GDALClose(src);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("floor_warp: %zu assets onto %dx%d, %.3f s (checksum %.3g)\n", assets.size(), gw, gh, s, checksum);
  return 0;
}

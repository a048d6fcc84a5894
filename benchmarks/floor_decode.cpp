// Decode floor of the end-to-end benchmark (issue #6): opens every raster
// asset of a STAC ItemCollection and reads all its pixels at native
// resolution with RasterIO, block row by block row, in the band's own data
// type — nothing else. No program that reads these inputs can be faster.
//
// Usage: paddymrv_floor_decode ITEMS.json [--assets vv,vh,SCL]
// Prints: assets, pixels read, bytes, seconds.
#include <gdal_priv.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "benchmarks/floor_common.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s ITEMS.json [--assets k1,k2,...]\n", argv[0]);
    return 64;
  }
  std::set<std::string> only;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--assets") == 0) only = floor_bench::split_keys(argv[i + 1]);
  }
  GDALAllRegister();
  const auto t0 = std::chrono::steady_clock::now();
  const auto assets = floor_bench::stac_assets(argv[1], only);
  std::vector<unsigned char> buf;
  unsigned long long pixels = 0, bytes = 0;
  double checksum = 0;  // keeps the reads observable
  for (const auto& a : assets) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(a.path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds) {
      std::fprintf(stderr, "%s: cannot open\n", a.path.c_str());
      return 65;
    }
    for (int b = 1; b <= ds->GetRasterCount(); ++b) {
      GDALRasterBand* band = ds->GetRasterBand(b);
      const int w = band->GetXSize(), h = band->GetYSize();
      int bx = 0, by = 0;
      band->GetBlockSize(&bx, &by);
      const GDALDataType t = band->GetRasterDataType();
      const int tsize = GDALGetDataTypeSizeBytes(t);
      buf.resize(static_cast<std::size_t>(w) * by * tsize);
      for (int y = 0; y < h; y += by) {
        const int rows = std::min(by, h - y);
        if (band->RasterIO(GF_Read, 0, y, w, rows, buf.data(), w, rows, t, 0, 0, nullptr) != CE_None) {
          std::fprintf(stderr, "%s: read failed\n", a.path.c_str());
          return 65;
        }
        checksum += buf[0];
      }
      pixels += static_cast<unsigned long long>(w) * h;
      bytes += static_cast<unsigned long long>(w) * h * tsize;
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("floor_decode: %zu assets, %llu pixels, %.1f MB decoded, %.3f s (checksum %.0f)\n", assets.size(),
              pixels, bytes / 1e6, s, checksum);
  return 0;
}

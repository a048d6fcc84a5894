#include "pipeline/sim_raster_io.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <system_error>

#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"

namespace paddymrv::sim {

namespace {

// Looked up in the PROJ database once, not once per file.
const std::string& utm48n_wkt() {
  static const std::string wkt = [] {
    OGRSpatialReference srs;
    srs.importFromEPSG(32648);
    char* text = nullptr;
    srs.exportToWkt(&text);
    std::string s = text ? text : "";
    CPLFree(text);
    return s;
  }();
  return wkt;
}

void write_any(const std::filesystem::path& path, const RasterGrid& grid, GDALDataType type, const void* data,
               std::size_t n, const RasterOptions& o) {
  const std::string where = path.string();
  if (n != grid.pixels()) throw Error(where + ": internal error: raster buffer does not match its grid");
  gdal_init();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDriver* out_driver = GetGDALDriverManager()->GetDriverByName(o.format == RasterFormat::cog ? "COG" : "GTiff");
  if (!mem || !out_driver) throw Error(where + ": GDAL lacks the MEM or COG/GTiff driver");

  // A MEM dataset wrapping our buffer (DATAPOINTER): no copy, no allocation.
  // GDAL only reads it here, hence the const_cast.
  GDALDatasetUniquePtr src(mem->Create("", grid.width, grid.height, 0, type, nullptr));
  if (!src) throw Error(where + ": cannot create an in-memory raster: " + last_gdal_error());
  char pointer[64] = {};
  pointer[CPLPrintPointer(pointer, const_cast<void*>(data), sizeof pointer - 1)] = 0;
  CPLStringList band_opts;
  band_opts.SetNameValue("DATAPOINTER", pointer);
  if (src->AddBand(type, band_opts.List()) != CE_None)
    throw Error(where + ": cannot wrap the raster buffer: " + last_gdal_error());
  auto gt = grid.geotransform();
  src->SetGeoTransform(gt.data());
  src->SetProjection(utm48n_wkt().c_str());
  GDALRasterBand* band = src->GetRasterBand(1);
  if (o.nodata) band->SetNoDataValue(*o.nodata);

  CPLStringList opts;
  opts.SetNameValue("COMPRESS", "DEFLATE");
  const bool integer = type != GDT_Float32 && type != GDT_Float64;
  if (o.format == RasterFormat::cog) {
    // Noisy scene bands (speckle, sensor noise) compress no better at
    // higher DEFLATE levels, only slower; smooth byte maps (SCL) gain.
    opts.SetNameValue("LEVEL", type == GDT_Byte ? "6" : "1");
    opts.SetNameValue("BLOCKSIZE", "512");
    opts.SetNameValue("OVERVIEWS", o.overviews ? "AUTO" : "NONE");
    opts.SetNameValue("RESAMPLING", o.resampling);
    // Horizontal differencing helps smooth integer bands; speckled floats
    // gain nothing from it and would only pay the cost.
    if (integer) opts.SetNameValue("PREDICTOR", "YES");
  } else {
    opts.SetNameValue("TILED", "YES");
    opts.SetNameValue("BLOCKXSIZE", "256");
    opts.SetNameValue("BLOCKYSIZE", "256");
    if (integer) opts.SetNameValue("PREDICTOR", "2");
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);  // replace an earlier run's file
  CPLErrorReset();
  GDALDatasetUniquePtr out(out_driver->CreateCopy(where.c_str(), src.get(), FALSE, opts.List(), nullptr, nullptr));
  if (!out) throw Error(where + ": cannot write the raster: " + last_gdal_error());
  out.reset();  // closing flushes the file
  if (CPLGetLastErrorType() >= CE_Failure) throw Error(where + ": error while writing: " + last_gdal_error());
}

}  // namespace

void write_raster(const std::filesystem::path& path, const RasterGrid& grid, std::span<const float> data,
                  const RasterOptions& options) {
  write_any(path, grid, GDT_Float32, data.data(), data.size(), options);
}
void write_raster(const std::filesystem::path& path, const RasterGrid& grid, std::span<const std::uint16_t> data,
                  const RasterOptions& options) {
  write_any(path, grid, GDT_UInt16, data.data(), data.size(), options);
}
void write_raster(const std::filesystem::path& path, const RasterGrid& grid, std::span<const std::uint8_t> data,
                  const RasterOptions& options) {
  write_any(path, grid, GDT_Byte, data.data(), data.size(), options);
}
void write_raster(const std::filesystem::path& path, const RasterGrid& grid, std::span<const std::int32_t> data,
                  const RasterOptions& options) {
  write_any(path, grid, GDT_Int32, data.data(), data.size(), options);
}

}  // namespace paddymrv::sim

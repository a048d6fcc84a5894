#pragma once
// Owning wrappers for HDF5 identifiers (hid_t), the check that turns a failed
// HDF5 call into a paddymrv::Error carrying HDF5's own message, and the
// mapping from C++ number types to HDF5 types. Used by the result writer and
// reader only; the rest of the program never sees an hid_t.
//
// Threading: the Debian HDF5 build is not thread-safe. Every HDF5 call,
// closing a handle included, must come from one thread at a time.
#include <hdf5.h>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "pipeline/errors.hpp"

namespace paddymrv::h5 {

// Owns one identifier and closes it with CloseFn. Move-only.
template <herr_t (*CloseFn)(hid_t)>
class Handle {
 public:
  Handle() noexcept = default;
  explicit Handle(hid_t id) noexcept : id_(id) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }

  // Closes now and returns CloseFn's status, for callers that must notice a
  // failing close (H5Dclose/H5Fclose flush data: that is where a full disk
  // shows up). The handle is empty afterwards whatever the status, so a
  // failed close is never retried by the destructor.
  herr_t close() noexcept {
    if (!valid()) return 0;
    return CloseFn(std::exchange(id_, H5I_INVALID_HID));
  }
  // Closes and ignores the status: for destructors and error paths.
  void reset() noexcept { (void)close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<&H5Fclose>;
using Group = Handle<&H5Gclose>;
using Dataset = Handle<&H5Dclose>;
using Dataspace = Handle<&H5Sclose>;
using Datatype = Handle<&H5Tclose>;  // only for types we created or copied, never H5T_NATIVE_*
using Attribute = Handle<&H5Aclose>;
using PropList = Handle<&H5Pclose>;
using Object = Handle<&H5Oclose>;  // anything opened with H5Oopen

namespace detail {
// Turns off HDF5's atexit clean-up before the library initialises. In 1.10.8
// that clean-up crashes (SIGSEGV in H5F__close_cb) on a file whose close
// failed, e.g. on a full disk, which would turn our exit code 70 into a
// segfault. We never need it: every file is closed explicitly, and a file
// whose close failed is an abandoned temporary that is deleted anyway.
inline const bool library_atexit_disabled = [] { return H5dont_atexit() >= 0; }();
}  // namespace detail

// Stops HDF5 from printing its error stack to stderr on every failed call:
// the messages end up in our exceptions instead (take_error_stack). Cheap
// and idempotent; called by every entry point before it touches a file,
// because in thread-safe HDF5 builds the setting is per thread.
inline void silence_error_printing() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

// The current HDF5 error stack as one line, outermost call first (e.g.
// "H5Fcreate(): unable to create file: ... errno = 2, error message = 'No such
// file or directory'"), and clears it. Empty if the stack is empty.
inline std::string take_error_stack() {
  // Copy first: the copy is immune to the stack being reset by the calls we
  // make while formatting it.
  const hid_t stack = H5Eget_current_stack();
  if (stack < 0) return {};
  std::string text;
  auto append = [](unsigned, const H5E_error2_t* e, void* out) -> herr_t {
    auto& s = *static_cast<std::string*>(out);
    if (!s.empty()) s += "; ";
    if (e->func_name != nullptr) s.append(e->func_name).append("(): ");
    if (e->desc != nullptr && e->desc[0] != '\0') {
      s += e->desc;
    } else {
      char minor[128] = {};
      if (H5Eget_msg(e->min_num, nullptr, minor, sizeof minor) > 0) s += minor;
    }
    return 0;
  };
  H5Ewalk2(stack, H5E_WALK_DOWNWARD, append, &text);
  H5Eclose_stack(stack);
  // Some descriptions embed ctime() output with its newline: keep log lines whole.
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

// Returns `status` unless it is negative (HDF5's failure convention for
// herr_t, hid_t, htri_t, hssize_t); then throws ErrorT with
// "<file>: <object>: cannot <action>: <HDF5 messages>".
template <class ErrorT = Error, class Status>
Status check(Status status, const std::filesystem::path& file, std::string_view object,
             std::string_view action) {
  if (status >= 0) return status;
  std::string message = file.string();
  if (!object.empty()) message.append(": ").append(object);
  message.append(": cannot ").append(action);
  const std::string hdf5 = take_error_stack();
  if (!hdf5.empty()) message.append(": ").append(hdf5);
  throw ErrorT(message);
}

// Numbers with a native HDF5 type, i.e. what read<T>/write<T> accept.
template <class T>
concept Number = std::same_as<T, int8_t> || std::same_as<T, uint8_t> ||
                 std::same_as<T, int16_t> || std::same_as<T, uint16_t> ||
                 std::same_as<T, int32_t> || std::same_as<T, uint32_t> ||
                 std::same_as<T, int64_t> || std::same_as<T, uint64_t> ||
                 std::same_as<T, float> || std::same_as<T, double>;

// The in-memory HDF5 type of T (predefined: never close it).
template <Number T>
hid_t native_type() {
  if constexpr (std::same_as<T, int8_t>) return H5T_NATIVE_INT8;
  if constexpr (std::same_as<T, uint8_t>) return H5T_NATIVE_UINT8;
  if constexpr (std::same_as<T, int16_t>) return H5T_NATIVE_INT16;
  if constexpr (std::same_as<T, uint16_t>) return H5T_NATIVE_UINT16;
  if constexpr (std::same_as<T, int32_t>) return H5T_NATIVE_INT32;
  if constexpr (std::same_as<T, uint32_t>) return H5T_NATIVE_UINT32;
  if constexpr (std::same_as<T, int64_t>) return H5T_NATIVE_INT64;
  if constexpr (std::same_as<T, uint64_t>) return H5T_NATIVE_UINT64;
  if constexpr (std::same_as<T, float>) return H5T_NATIVE_FLOAT;
  if constexpr (std::same_as<T, double>) return H5T_NATIVE_DOUBLE;
}

// The type T is stored as in a file: little-endian whatever the host, so a
// result file is byte-identical across machines.
template <Number T>
hid_t file_type() {
  if constexpr (std::same_as<T, int8_t>) return H5T_STD_I8LE;
  if constexpr (std::same_as<T, uint8_t>) return H5T_STD_U8LE;
  if constexpr (std::same_as<T, int16_t>) return H5T_STD_I16LE;
  if constexpr (std::same_as<T, uint16_t>) return H5T_STD_U16LE;
  if constexpr (std::same_as<T, int32_t>) return H5T_STD_I32LE;
  if constexpr (std::same_as<T, uint32_t>) return H5T_STD_U32LE;
  if constexpr (std::same_as<T, int64_t>) return H5T_STD_I64LE;
  if constexpr (std::same_as<T, uint64_t>) return H5T_STD_U64LE;
  if constexpr (std::same_as<T, float>) return H5T_IEEE_F32LE;
  if constexpr (std::same_as<T, double>) return H5T_IEEE_F64LE;
}

}  // namespace paddymrv::h5

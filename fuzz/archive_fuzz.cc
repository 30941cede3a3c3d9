// Tars and image locations are untrusted input: any bytes unpacked as an
// archive write nothing outside the scratch directory (a sentinel directory
// beside it stays empty), and any text parses as a location or platform, or
// fails, without a crash.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "berth/transfer.h"
#include "transfer/tar_files.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto location = berth::ParseImageLocation(text); location.ok()) {
    if (berth::FormatImageLocation(*location) != text) std::abort();
  }
  (void)berth::ParsePlatform(text);

  char base[] = "/tmp/berth-fuzz-XXXXXX";
  if (::mkdtemp(base) == nullptr) return 0;
  const std::string root = base;
  std::filesystem::create_directories(root + "/sentinel");
  std::filesystem::create_directories(root + "/out");
  { std::ofstream(root + "/in.tar", std::ios::binary).write(text.data(), static_cast<std::streamsize>(size)); }
  (void)berth::transfer::UnpackTar(root + "/in.tar", root + "/out");
  const bool escaped = !std::filesystem::is_empty(root + "/sentinel");
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
  if (escaped) std::abort();
  return 0;
}

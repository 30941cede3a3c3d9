// config.json on any bytes: parsing never crashes; what parses comes back
// the same through berth's writer (a fixed point), and every auths entry
// either decodes or is a clear error.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "credentials/config_file.h"
#include "json/value.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  berth::json_detail::JsonValue value;
  if (berth::json_detail::ParseJson(input, value).ok()) {
    std::string written = berth::json_detail::MarshalIndentTabs(value);
    berth::json_detail::JsonValue again;
    if (!berth::json_detail::ParseJson(written, again).ok() || !(again == value)) std::abort();
  }
  // Through the file layer (an in-memory file, nothing left on disk):
  // every entry decodes or fails with a message.
  int fd = ::memfd_create("config.json", MFD_CLOEXEC);
  if (fd < 0) return 0;
  for (std::size_t done = 0; done < size;) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  berth::Result<berth::credentials::ConfigFile> file = berth::credentials::ConfigFile::Load(path);
  ::close(fd);
  if (file.ok()) {
    (void)file->CredsStore();
    (void)file->CredHelpers();
    for (const std::string& key : file->AuthKeys()) {
      auto entry = file->Entry(key);
      if (!entry.ok() && entry.error().message().empty()) std::abort();
    }
  } else if (file.error().message().empty()) {
    std::abort();
  }
  return 0;
}

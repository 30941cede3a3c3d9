#include "internal/go_net.h"

namespace berth::detail {

bool GoSplitHostPort(std::string_view hp, std::string_view& host, std::string_view& port) {
  std::size_t i = hp.rfind(':');
  if (i == std::string_view::npos) return false;
  std::size_t j = 0, k = 0;
  if (!hp.empty() && hp[0] == '[') {
    std::size_t end = hp.find(']');
    if (end == std::string_view::npos || end + 1 != i) return false;
    host = hp.substr(1, end - 1);
    j = 1;
    k = end + 1;
  } else {
    host = hp.substr(0, i);
    if (host.find(':') != std::string_view::npos) return false;
  }
  if (hp.substr(j).find('[') != std::string_view::npos) return false;
  if (hp.substr(k).find(']') != std::string_view::npos) return false;
  port = hp.substr(i + 1);
  return true;
}

}  // namespace berth::detail

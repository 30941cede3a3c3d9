// Go's net.SplitHostPort, which the Engine's host checks lean on.
#ifndef BERTH_SRC_INTERNAL_GO_NET_H_
#define BERTH_SRC_INTERNAL_GO_NET_H_

#include <string_view>

namespace berth::detail {

// Splits "host:port" / "[v6]:port"; false where Go's SplitHostPort fails.
bool GoSplitHostPort(std::string_view host_port, std::string_view& host, std::string_view& port);

}  // namespace berth::detail

#endif  // BERTH_SRC_INTERNAL_GO_NET_H_

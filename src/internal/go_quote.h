// Go's strconv.Quote (what fmt's %q prints for a string): the Engine puts
// user input into error messages that way, so berth must too.
#ifndef BERTH_SRC_INTERNAL_GO_QUOTE_H_
#define BERTH_SRC_INTERNAL_GO_QUOTE_H_

#include <string>
#include <string_view>

namespace berth::detail {

// "…" with \" \\ \n \t …, \x for invalid UTF-8 bytes and controls, \u/\U
// for runes strconv.IsPrint refuses.
std::string GoQuote(std::string_view s);

}  // namespace berth::detail

#endif  // BERTH_SRC_INTERNAL_GO_QUOTE_H_

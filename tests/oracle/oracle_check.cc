// Runs every generated case through the same code the `berth` subcommands
// run and compares stdout, stderr and exit code with what the Go oracle
// printed for it (tests/oracle for the wire library, tests/reforacle for
// image references). Prints the first differences in full and a summary.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"

namespace {

std::string B64Decode(const std::string& s) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  int map[256];
  for (int& m : map) m = -1;
  for (int i = 0; i < 64; ++i) map[static_cast<unsigned char>(kChars[i])] = i;
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (unsigned char c : s) {
    if (map[c] < 0) continue;  // padding
    acc = (acc << 6) | static_cast<unsigned>(map[c]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream ss(line);
  std::string part;
  while (std::getline(ss, part, '\t')) f.push_back(part);
  if (!line.empty() && line.back() == '\t') f.emplace_back();
  return f;
}

// Printable form of bytes for the report.
std::string Show(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: oracle_check CASES EXPECTED\n";
    return 2;
  }
  std::ifstream cases(argv[1]), expected(argv[2]);
  std::string case_line, want_line;
  long total = 0, differ = 0;
  while (std::getline(cases, case_line)) {
    if (!std::getline(expected, want_line)) {
      std::cerr << "oracle output ends early at case " << total << "\n";
      return 1;
    }
    ++total;
    std::vector<std::string> c = Split(case_line), w = Split(want_line);
    if ((c.size() != 5 && c.size() != 2) || w.size() != 3) {
      std::cerr << "malformed line at case " << total << "\n";
      return 1;
    }
    // Reference cases (tests/reforacle) are MODE \t INPUT.
    if (c.size() == 2) c = {"ref", c[0], "0", "0", c[1]};
    std::string input = B64Decode(c[4]);
    berth::cli::CommandOutput got;
    if (c[0] == "ref") {
      using berth::cli::RefMode;
      got = berth::cli::RefInfo(input, c[1] == "any"      ? RefMode::kAny
                                       : c[1] == "strict" ? RefMode::kStrict
                                                          : RefMode::kNormalized);
    } else if (c[0] == "auth-encode") {
      got = berth::cli::AuthEncode(input);
    } else if (c[0] == "auth-decode") {
      got = berth::cli::AuthDecode(input, false);
    } else if (c[0] == "auth-decode-body") {
      got = berth::cli::AuthDecode(input, true);
    } else {
      got = berth::cli::JsonNormalize(c[1], input, c[2] == "1", c[3] == "1");
    }
    std::string want_out = B64Decode(w[1]), want_err = B64Decode(w[2]);
    int want_exit = std::stoi(w[0]);
    if (got.out == want_out && got.err == want_err && got.exit_code == want_exit) continue;
    if (++differ <= 25) {
      std::cout << "DIFF case " << total << ": " << c[0] << " " << c[1] << (c[2] == "1" ? " first-value" : "")
                << (c[3] == "1" ? " escape-html" : "") << "\n"
                << "  input: " << Show(input) << "\n"
                << "  go:    exit " << want_exit << " out " << Show(want_out) << " err " << Show(want_err) << "\n"
                << "  berth: exit " << got.exit_code << " out " << Show(got.out) << " err " << Show(got.err) << "\n";
    }
  }
  std::cout << "oracle: " << total << " cases, " << differ << " differences\n";
  return differ == 0 && total > 0 ? 0 : 1;
}

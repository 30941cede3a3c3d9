#include "fixtures.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace berth::testing {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(BERTH_FIXTURES_DIR) + "/" + name;
}

std::vector<char*> Argv(const std::vector<std::string>& args) {
  std::vector<char*> out;
  for (const std::string& a : args) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

TempDir::TempDir() {
  char tmpl[] = "/tmp/berth-test-XXXXXX";
  if (mkdtemp(tmpl) != nullptr) path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

int Run(const std::vector<std::string>& argv, std::string* output) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args = Argv(argv);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (output) *output = std::move(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int CountLines(const std::string& path, const std::vector<std::string>& needles) {
  std::ifstream in(path);
  int count = 0;
  for (std::string line; std::getline(in, line);) {
    bool all = true;
    for (const std::string& n : needles) all = all && line.find(n) != std::string::npos;
    count += all ? 1 : 0;
  }
  return count;
}

bool MakePki(const std::string& dir) {
  return Run({"bash", Fixture("make_pki.sh"), dir}) == 0;
}

std::string AliceHtpasswdAuth(const std::string& dir) {
  std::string htpasswd;
  if (Run({"htpasswd", "-Bbn", "alice", "s3cret"}, &htpasswd) != 0) return {};
  std::ofstream(dir + "/htpasswd") << htpasswd;
  return "auth:\n  htpasswd:\n    realm: berth-test\n    path: " + dir + "/htpasswd\n";
}

FixtureServer::FixtureServer(const std::string& script, const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) {
    error_ = "pipe failed";
    return;
  }
  std::vector<std::string> argv{"/usr/bin/python3", Fixture(script), "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> a = Argv(argv);
    execv(a[0], a.data());
    _exit(127);
  }
  close(fds[1]);
  pid_ = pid;
  // The first line is "PORT n" (bounded wait).
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char c[256];
    ssize_t n = read(fds[0], c, sizeof c);
    if (n <= 0) break;
    line.append(c, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  if (line.rfind("PORT ", 0) == 0) {
    port_ = std::atoi(line.c_str() + 5);
  } else {
    error_ = script + " did not start: " + line;
  }
}

FixtureServer::~FixtureServer() {
  StopProcess(pid_);
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

bool WaitUntilReady(pid_t pid, const std::function<bool()>& ready) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    if (waitpid(pid, nullptr, WNOHANG) == pid) return false;  // exited
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  StopProcess(pid);
  return false;
}

void StopProcess(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

PushedImages PushImages(const std::string& registry_host, const std::string& out_dir,
                        const std::vector<std::string>& args) {
  PushedImages out;
  std::vector<std::string> argv{"bash", Fixture("make_images.sh"), registry_host, out_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string log;
  if (Run(argv, &log) != 0) {
    out.error = "make_images.sh failed: " + log;
    return out;
  }
  std::istringstream digests(ReadFile(out_dir + "/digests.txt"));
  for (std::string name, type, digest, size; digests >> name >> type >> digest >> size;)
    out.images[name] = PushedImage{type, digest, std::stol(size)};
  std::istringstream platforms(ReadFile(out_dir + "/platforms.txt"));
  for (std::string line; std::getline(platforms, line);)
    if (!line.empty()) out.platform_lines.push_back(line);
  out.ok = !out.images.empty();
  if (!out.ok) out.error = "no digests.txt from make_images.sh: " + log;
  return out;
}

}  // namespace berth::testing

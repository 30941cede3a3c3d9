// GET|HEAD /_ping, GET /version, GET /info: what the docker CLI and
// docker-py need to negotiate a version and print `version` and `info`.
#include <dirent.h>

#include <chrono>
#include <cstdlib>
#include <ctime>

#include "berth/json.h"
#include "berth/service_config.h"
#include "engine/json_object.h"
#include "engine/routes.h"

namespace berth::engine {

namespace {

// dockerd's fillAPIInfo: a warning for each TCP listener without TLS or
// without client verification; null when there is none.
std::string ApiWarnings(const EngineOptions& o) {
  static constexpr std::string_view kAttackSurface =
      "\n         Access to the remote API is equivalent to root access on the host. Refer\n"
      "         to the 'Docker daemon attack surface' section in the documentation for\n"
      "         more information: https://docs.docker.com/go/attack-surface/";
  json_detail::Writer w(/*escape_html=*/false);
  bool any = false;
  for (const std::string& host : o.api_hosts) {
    if (host.rfind("tcp://", 0) != 0) continue;
    std::string text;
    const std::string addr = host.substr(6);
    if (!o.api_tls) {
      text = "WARNING: API is accessible on http://" + addr + " without encryption." + std::string(kAttackSurface);
    } else if (!o.api_tls_verify) {
      text = "WARNING: API is accessible on https://" + addr + " without TLS client verification." +
             std::string(kAttackSurface);
    } else {
      continue;
    }
    w.Raw(any ? "," : "[");
    any = true;
    w.String(text);
  }
  if (!any) return "null";
  w.Raw("]");
  return std::string(w.view());
}

}  // namespace
namespace {

std::string Env(const char* upper, const char* lower) {
  for (const char* name : {upper, lower})
    if (const char* v = std::getenv(name); v && *v) return v;
  return {};
}

int OpenFiles() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') ++n;
    ::closedir(d);
    --n;  // the directory's own descriptor
  }
  return n;
}

// Go's time.RFC3339Nano in local time, as the Engine prints SystemTime.
std::string Now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  long nanos = static_cast<long>(std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() %
                                 1000000000);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char date[32], zone[8];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  std::strftime(zone, sizeof zone, "%z", &tm);
  std::string z = zone;
  z = z == "+0000" ? "Z" : z.substr(0, 3) + ":" + z.substr(3);
  std::string frac = std::to_string(nanos);
  frac = std::string(9 - frac.size(), '0') + frac;
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return std::string(date) + (frac.empty() ? "" : "." + frac) + z;
}

std::string Commit() {
  return JsonObject().Str("ID", "").Str("Expected", "").Done();
}

}  // namespace

EngineResponse PingRoute(const Context&, bool head) {
  EngineResponse r;
  r.headers = {{"Builder-Version", "2"},
               {"Cache-Control", "no-cache, no-store, must-revalidate"},
               {"Pragma", "no-cache"},
               {"Swarm", "inactive"},
               {"Content-Type", "text/plain; charset=utf-8"}};
  if (!head) r.body = "OK";
  return r;
}

EngineResponse VersionRoute(const Context& c) {
  const EngineOptions& o = c.options;
  std::string details = JsonObject()
                            .Str("ApiVersion", kEngineApiVersion)
                            .Str("Arch", o.go_arch)
                            .Str("BuildTime", "")
                            .Str("Experimental", "false")
                            .Str("GitCommit", "")
                            .Str("GoVersion", "n/a (C++)")
                            .Str("KernelVersion", o.kernel_version)
                            .Str("MinAPIVersion", kEngineMinApiVersion)
                            .Str("Os", "linux")
                            .Done();
  std::string engine = JsonObject().Str("Name", "Engine").Str("Version", o.version).Raw("Details", details).Done();
  JsonObject v;
  v.Raw("Platform", JsonObject().Str("Name", "berth " + o.version).Done())
      .Raw("Components", "[" + engine + "]")
      .Str("Version", o.version)
      .Str("ApiVersion", kEngineApiVersion)
      .Str("MinAPIVersion", kEngineMinApiVersion)
      .Str("GitCommit", "")
      .Str("GoVersion", "n/a (C++)")
      .Str("Os", "linux")
      .Str("Arch", o.go_arch);
  if (!o.kernel_version.empty()) v.Str("KernelVersion", o.kernel_version);
  EngineResponse r = JsonResponse(200, v.Done());
  return r;
}

// The images /info counts: 0 without a store, or when a registry store
// cannot be read (dockerd's count is never an error either).
long long ImageCount(const Context& c) {
  if (!c.images) return 0;
  Result<std::vector<StoredImage>> images = c.images->List();
  return images ? static_cast<long long>(images->size()) : 0;
}

// What GET /info says differs by the request's API version, as dockerd
// v25 decides:
//   < 1.25  ExecutionDriver "<not supported>" (before Warnings), and
//           SecurityOptions by name only — null when there are none;
//   < 1.39  an unknown KernelVersion or OperatingSystem is "<unknown>";
//   < 1.42  KernelMemory as the host has it (berthd has none: false, left
//           out as omitempty does — the same as 1.42's forced false);
//   < 1.44  Runtimes without Status (berthd has no runtimes).
EngineResponse InfoRoute(const Context& c) {
  const EngineOptions& o = c.options;
  const bool before_1_25 = detail::CompareApiVersions(c.api_version, "1.25") < 0;
  const bool before_1_39 = detail::CompareApiVersions(c.api_version, "1.39") < 0;
  auto known = [before_1_39](const std::string& value) {
    return value.empty() && before_1_39 ? std::string("<unknown>") : value;
  };
  std::shared_ptr<const ServiceConfig> config = c.service.config();
  std::string registry_config = Marshal(ServiceConfigForInfo(*config), MarshalOptions{.escape_html = false});
  std::string plugins =
      JsonObject().Raw("Volume", "null").Raw("Network", "null").Raw("Authorization", "null").Raw("Log", "null").Done();
  std::string swarm = JsonObject()
                          .Str("NodeID", "")
                          .Str("NodeAddr", "")
                          .Str("LocalNodeState", "inactive")
                          .Bool("ControlAvailable", false)
                          .Str("Error", "")
                          .Raw("RemoteManagers", "null")
                          .Done();
  JsonObject info;
  info.Str("ID", o.id)
      .Int("Containers", 0)
      .Int("ContainersRunning", 0)
      .Int("ContainersPaused", 0)
      .Int("ContainersStopped", 0)
      .Int("Images", ImageCount(c))
      .Str("Driver", "")
      .Raw("DriverStatus", "null")
      .Raw("Plugins", plugins)
      .Bool("MemoryLimit", false)
      .Bool("SwapLimit", false)
      .Bool("CpuCfsPeriod", false)
      .Bool("CpuCfsQuota", false)
      .Bool("CPUShares", false)
      .Bool("CPUSet", false)
      .Bool("PidsLimit", false)
      .Bool("IPv4Forwarding", false)
      .Bool("BridgeNfIptables", false)
      .Bool("BridgeNfIp6tables", false)
      .Bool("Debug", o.debug)
      .Int("NFd", OpenFiles())
      .Bool("OomKillDisable", false)
      .Int("NGoroutines", 0)
      .Str("SystemTime", Now())
      .Str("LoggingDriver", "")
      .Str("CgroupDriver", "")
      .Int("NEventsListener", 0)
      .Str("KernelVersion", known(o.kernel_version))
      .Str("OperatingSystem", known(o.operating_system))
      .Str("OSVersion", "")
      .Str("OSType", "linux")
      .Str("Architecture", o.architecture)
      .Str("IndexServerAddress", kIndexServer)
      .Raw("RegistryConfig", registry_config)
      .Int("NCPU", o.ncpu)
      .Int("MemTotal", o.mem_total)
      .Raw("GenericResources", "null")
      .Str("DockerRootDir", o.data_root)
      .Str("HttpProxy", MaskUrlPassword(Env("HTTP_PROXY", "http_proxy")))
      .Str("HttpsProxy", MaskUrlPassword(Env("HTTPS_PROXY", "https_proxy")))
      .Str("NoProxy", Env("NO_PROXY", "no_proxy"))
      .Str("Name", o.name)
      .Raw("Labels", "[]")
      .Bool("ExperimentalBuild", false)
      .Str("ServerVersion", o.version)
      .Raw("Runtimes", "{}")
      .Str("DefaultRuntime", "")
      .Raw("Swarm", swarm)
      .Bool("LiveRestoreEnabled", false)
      .Str("Isolation", "")
      .Str("InitBinary", "")
      .Raw("ContainerdCommit", Commit())
      .Raw("RuncCommit", Commit())
      .Raw("InitCommit", Commit())
      .Raw("SecurityOptions", before_1_25 ? "null" : "[]")
      .Raw("CDISpecDirs", "[]");
  if (before_1_25) info.Str("ExecutionDriver", "<not supported>");
  info.Raw("Warnings", ApiWarnings(o));
  return JsonResponse(200, info.Done());
}

}  // namespace berth::engine

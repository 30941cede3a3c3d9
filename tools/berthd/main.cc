// berthd: the Docker Engine API's registry routes, served to the docker CLI
// and docker-py. Flags, configuration, signals, pid file and logs here; the
// routes are berth::EngineApi, the HTTP server src/server.
#include <fcntl.h>
#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <thread>

#include "berth/credentials.h"
#include "berth/daemon_config.h"
#include "berth/engine_api.h"
#include "berth/image_store.h"
#include "berth/registry_service.h"
#include "berth/version.h"
#include "logger.h"
#include "server/http_server.h"
#include "server/tls_context.h"

namespace {

namespace fs = std::filesystem;
using berthd::Level;

constexpr const char* kDefaultConfigFile = "/etc/berth/daemon.json";
constexpr const char* kDefaultDataRoot = "/var/lib/berth";

constexpr const char* kDefaultHost = "unix:///run/berth.sock";

struct Flags {
  std::string config_file;
  berth::DaemonConfigSources registry;
  std::string certs_dir = "/etc/docker/certs.d";
  std::string data_root;    // after LoadDataRoot: the flag, daemon.json's, or the default
  std::string image_store;  // --image-store as given; once started, the store in use ("" local)
  std::string pidfile = "/run/berthd.pid";
  std::string log_level = "info";
  std::string log_format = "text";
  bool debug = false;
  double inspect_cache_ttl = 30;
  double request_timeout = 30;
  int worker_threads = 16;
  int io_threads = 0;  // 0: one per two CPUs

  berth::DaemonConfigSources Registry() const {
    berth::DaemonConfigSources r = registry;
    if (!config_file.empty()) {
      r.config_file = config_file;
    } else if (fs::exists(kDefaultConfigFile)) {
      r.config_file = kDefaultConfigFile;
    }
    return r;
  }
};

// The pid file, refused while another live process holds it (as dockerd).
berth::Status WritePidFile(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream existing(path);
  long pid = 0;
  if (existing >> pid && pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) == 0) {
    return berth::Error(berth::ErrorKind::kSystem, "pid file found, ensure berthd is not running or delete " + path);
  }
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::ofstream out(path, std::ios::trunc);
  out << ::getpid() << "\n";
  if (!out) return berth::Error(berth::ErrorKind::kSystem, "cannot write pid file " + path);
  return {};
}

std::string ReadFirstLine(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// What /info and /version report about this machine.
berth::EngineOptions MachineOptions(const Flags& flags) {
  berth::EngineOptions o;
  utsname u{};
  if (::uname(&u) == 0) {
    o.kernel_version = u.release;
    o.architecture = u.machine;
    o.name = u.nodename;
  }
  o.go_arch = o.architecture == "x86_64" ? "amd64" : o.architecture == "aarch64" ? "arm64" : o.architecture;
  std::ifstream release("/etc/os-release");
  for (std::string line; std::getline(release, line);) {
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      o.operating_system = line.substr(12);
      if (o.operating_system.size() >= 2 && o.operating_system.front() == '"') {
        o.operating_system = o.operating_system.substr(1, o.operating_system.size() - 2);
      }
    }
  }
  o.ncpu = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  long long kb = 0;
  if (meminfo >> key >> kb && key == "MemTotal:") o.mem_total = kb * 1024;
  // A stable ID for this machine, as dockerd keeps one per install.
  std::string machine_id = ReadFirstLine("/etc/machine-id");
  o.id = machine_id.empty() ? "berthd-" + std::to_string(std::random_device{}()) : machine_id;
  o.debug = flags.debug;
  o.inspect_cache_ttl = std::chrono::milliseconds(static_cast<long long>(flags.inspect_cache_ttl * 1000));
  return o;
}

// A number of seconds in [min, max] (NaN and infinities refused).
CLI::Validator SecondsIn(double min, double max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v) || !std::isfinite(v) || v < min || v > max) {
          return "not a number of seconds in [" + CLI::detail::to_string(min) + ", " + CLI::detail::to_string(max) +
                 "]: " + text;
        }
        return {};
      },
      "SECONDS");
}

// Step 1: the command line. nullopt with `exit_code` set when berthd is
// done already (--help, --version, a bad flag).
std::optional<Flags> ParseFlags(int argc, char** argv, int& exit_code) {
  CLI::App app{
      "berthd: the Docker Engine API's registry and image routes (/_ping, /version, /info, /auth, "
      "/images/search, /distribution/{name}/json, pull, push, images, inspect, history, tag, rmi, prune, save, "
      "load), served to the docker CLI and docker-py"};
  app.set_version_flag("-v,--version", std::string("berthd ") + BERTH_VERSION);
  Flags flags;
  app.add_option("-H,--host", flags.registry.hosts,
                 std::string("where to listen: unix:///path, tcp://host:port or fd:// (systemd's sockets); "
                             "repeatable (daemon.json hosts); default ") +
                     kDefaultHost + ", or tcp://localhost:2376 with TLS");
  // dockerd's TLS flags; whether each was given at all matters (below).
  bool tls = false, tls_verify = false;
  std::string tls_ca, tls_cert, tls_key;
  auto* tls_flag =
      app.add_flag("--tls{true}", tls, "TLS on the TCP listeners; implied by --tlsverify (daemon.json tls)");
  auto* verify_flag = app.add_flag(
      "--tlsverify{true}", tls_verify,
      "TLS, serving only clients with a certificate from --tlscacert; on with --tls unless --tlsverify=false "
      "(daemon.json tlsverify)");
  auto* ca_flag = app.add_option("--tlscacert", tls_ca,
                                 "trust client certificates signed by this CA only (default "
                                 "$DOCKER_CERT_PATH/ca.pem, else ~/.docker/ca.pem; daemon.json tlscacert)");
  auto* cert_flag = app.add_option("--tlscert", tls_cert,
                                   "the server's TLS certificate (default $DOCKER_CERT_PATH/cert.pem, else "
                                   "~/.docker/cert.pem; daemon.json tlscert)");
  auto* key_flag = app.add_option("--tlskey", tls_key,
                                  "the server's TLS key (default $DOCKER_CERT_PATH/key.pem, else ~/.docker/key.pem; "
                                  "daemon.json tlskey)");
  app.add_option(
      "--config-file", flags.config_file,
      std::string("daemon.json with the registry options (default ") + kDefaultConfigFile + " if it exists)");
  app.add_option("--registry-mirror", flags.registry.registry_mirrors, "a registry mirror for docker.io (repeatable)");
  app.add_option("--insecure-registry", flags.registry.insecure_registries,
                 "a registry (host[:port] or CIDR) reached without TLS verification (repeatable)");
  app.add_option("--allow-nondistributable-artifacts", flags.registry.allow_nondistributable_artifacts,
                 "a registry (host[:port] or CIDR) to push non-distributable artifacts to (repeatable)");
  app.add_option("--certs-dir", flags.certs_dir, "per-registry TLS material and hosts.toml: DIR/HOST[:PORT]/")
      ->capture_default_str();
  auto* data_root = app.add_option("--data-root", flags.data_root,
                                   std::string("where images are kept: DIR/images, an OCI image layout; DIR/tmp for "
                                               "uploads (daemon.json data-root; default ") +
                                       kDefaultDataRoot + ")");
  auto* image_store =
      app.add_option("--image-store", flags.image_store,
                     "keep images in a registry shared with other berthd instances: registry://HOST[:PORT]/PREFIX "
                     "(daemon.json image-store; default: an OCI layout under the data root, which then caches it)");
  app.add_option("-p,--pidfile", flags.pidfile, "the pid file (empty: none)")->capture_default_str();
  app.add_option("-l,--log-level", flags.log_level, "debug, info, warn, error or fatal")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "warning", "error", "fatal"}));
  app.add_option("--log-format", flags.log_format, "text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("-D,--debug", flags.debug, "debug logging (every request)");
  app.add_option("--inspect-cache-ttl", flags.inspect_cache_ttl,
                 "seconds a distribution inspect by tag is answered from the cache (0: no cache; by digest: "
                 "until evicted)")
      ->capture_default_str()
      ->check(SecondsIn(0, 365 * 86400.0));
  app.add_option("--worker-threads", flags.worker_threads, "threads that run requests that may wait on registries")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  app.add_option("--io-threads", flags.io_threads, "threads that read and write connections (0: one per two CPUs)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  app.add_option("--request-timeout", flags.request_timeout,
                 "seconds a client has to send a whole request (idle keep-alive connections too)")
      ->capture_default_str()
      ->check(SecondsIn(0.001, 86400));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e) == 0 ? 0 : 1;
    return std::nullopt;
  }
  if (data_root->count() > 0) flags.registry.data_root = flags.data_root;
  if (image_store->count() > 0) flags.registry.image_store = flags.image_store;
  if (tls_flag->count() > 0) flags.registry.tls = tls;
  if (verify_flag->count() > 0) flags.registry.tls_verify = tls_verify;
  if (ca_flag->count() > 0) flags.registry.tls_ca_cert = tls_ca;
  if (cert_flag->count() > 0) flags.registry.tls_cert = tls_cert;
  if (key_flag->count() > 0) flags.registry.tls_key = tls_key;
  if (flags.debug) flags.log_level = "debug";
  return flags;
}

// Where the default TLS files are: DOCKER_CERT_PATH, else the docker
// configuration directory (DOCKER_CONFIG, ~/.docker), as dockerd looks.
std::string DefaultCertDir() {
  const char* path = std::getenv("DOCKER_CERT_PATH");
  return path && *path ? path : berth::DockerConfigDir();
}

// dockerd's warnings for TCP without client verification (loadListeners);
// unlike dockerd, berthd does not sleep after them.
void WarnAboutTcp(const berth::ApiListenConfig& api, berthd::Logger& log) {
  if (api.tls && api.tls_verify) return;
  for (const std::string& host : api.hosts) {
    if (host.rfind("tcp://", 0) != 0) continue;
    const std::string where = " host=\"" + host + "\"";
    log.Log(Level::kWarn,
            "Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone "
            "who has access to your network." +
                where);
    log.Log(Level::kWarn,
            "Binding to an IP address, even on localhost, can also give access to scripts run in a browser. Be safe "
            "out there!" +
                where);
    std::string ip = host.substr(6, host.rfind(':') - 6);
    if (ip.size() >= 2 && ip.front() == '[') ip = ip.substr(1, ip.size() - 2);
    const bool loopback = ip == "localhost" || ip == "::1" || ip.rfind("127.", 0) == 0;
    if (!api.tls_explicit && !loopback) {
      log.Log(Level::kWarn,
              "Binding to an IP address without --tlsverify is deprecated. Startup is intentionally "
              "being slowed down to show this message" +
                  where);
      log.Log(Level::kWarn,
              "Please consider generating tls certificates with client validation to prevent "
              "exposing unauthenticated root access to your network" +
                  where);
      log.Log(Level::kWarn,
              "You can override this by explicitly specifying '--tls=false' or '--tlsverify=false'" + where);
      log.Log(Level::kWarn,
              "Support for listening on TCP without authentication or explicit intent to run without "
              "authentication will be removed in the next release" +
                  where);
    }
  }
}

// How the HTTP server runs: where it listens (and its TLS), its threads
// and timeouts, and the access log. The error names a bad -H or TLS file.
berth::Result<berth::server::ServerOptions> ServerOptionsFor(const Flags& flags, const berth::ApiListenConfig& api,
                                                             berthd::Logger& log) {
  berth::server::ServerOptions o;
  for (const std::string& h : api.hosts) {
    berth::Result<berth::server::ListenAddress> a = berth::server::ParseListenAddress(h);
    if (!a) return a.error();
    o.listen.push_back(*a);
  }
  if (api.tls) {
    berth::Result<berth::server::TlsContextPtr> tls =
        berth::server::MakeServerTlsContext({.cert_file = api.cert_file,
                                             .key_file = api.key_file,
                                             .verify_clients = api.tls_verify,
                                             .ca_file = api.ca_file});
    if (!tls) return berth::Error(tls.error().kind(), "invalid TLS configuration: " + tls.error().message());
    o.tls = *tls;
  }
  o.on_connection_error = [&log](const std::string& what) { log.Log(Level::kWarn, what); };
  o.worker_threads = flags.worker_threads;
  // One I/O thread per two CPUs: each one serves tens of thousands of
  // requests a second, and the other CPUs are left to the workers (registry
  // round trips, TLS) and to the clients, which mostly share the machine.
  // On two cores, one I/O thread kept /_ping's p99 at 4.4 ms where two gave
  // 7.1 ms, for the same requests/s (bench/berthd_compare).
  o.io_threads =
      flags.io_threads > 0 ? flags.io_threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2));
  o.request_timeout = std::chrono::milliseconds(static_cast<long long>(flags.request_timeout * 1000));
  o.log_every_request = log.Enabled(Level::kDebug);
  o.on_request = [&log](const berth::server::AccessLog& a) {
    if (log.Enabled(Level::kDebug)) {
      log.Log(Level::kDebug, "Calling " + a.method + " " + a.target + " -> " + std::to_string(a.status) + " in " +
                                 std::to_string(a.seconds * 1000).substr(0, 6) + " ms");
    }
    // dockerd's line: the method, the path without its query, the error;
    // also for an error a streamed answer (a pull, a push) ended with.
    if (a.status >= 500 || (a.status == 200 && !a.error.empty())) {
      const std::string path = a.target.substr(0, a.target.find('?'));
      log.Log(Level::kError, "Handler for " + a.method + " " + path + " returned error" +
                                 (a.error.empty() ? " status " + std::to_string(a.status) : ": " + a.error));
    }
  };
  return o;
}

// Step 2: the registry service from daemon.json and the flags (dockerd's
// rules, berth/daemon_config.h); its warnings logged.
berth::Result<std::unique_ptr<berth::RegistryService>> BuildRegistryService(const Flags& flags, berthd::Logger& log) {
  berth::Result<berth::ServiceOptions> options = berth::LoadServiceOptions(flags.Registry());
  if (!options) return options.error();
  std::vector<std::string> warnings;
  auto service =
      berth::RegistryService::Create(*options, berth::RegistryServiceSettings{.certs_dir = flags.certs_dir}, &warnings);
  for (const std::string& w : warnings) log.Log(Level::kWarn, w);
  return service;
}

// Signals go to one thread that waits for them (SIGHUP reloads, SIGTERM and
// SIGINT stop); SIGPIPE is ignored. Called before any thread starts, so
// every thread inherits the mask.
sigset_t BlockDaemonSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return signals;
}

// SIGHUP, as dockerd: the new registry options, or the old ones kept.
void ReloadRegistryOptions(const Flags& flags, berth::RegistryService& service, berthd::Logger& log) {
  berth::Result<berth::ServiceOptions> options = berth::LoadServiceOptions(flags.Registry());
  std::vector<std::string> warnings;
  berth::Status reloaded = options ? service.Reload(*options, &warnings) : berth::Status(options.error());
  for (const std::string& w : warnings) log.Log(Level::kWarn, w);
  // Where images are kept is fixed for the process's life.
  if (berth::Result<std::string> store = berth::LoadImageStore(flags.Registry());
      store && *store != flags.image_store) {
    log.Log(Level::kWarn, "image-store changes take effect when berthd starts again (keeping " +
                              (flags.image_store.empty() ? std::string("the local store") : flags.image_store) + ")");
  }
  if (reloaded.ok()) {
    log.Log(Level::kInfo, "Reloaded configuration: registry options");
  } else {
    log.Log(Level::kError, "Error reconfiguring the daemon, keeping the old configuration: " + reloaded.message());
  }
}

// Step 4: wait for signals until one says stop.
void WaitForStopSignal(const sigset_t& signals, const Flags& flags, berth::RegistryService& service,
                       berthd::Logger& log) {
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      ReloadRegistryOptions(flags, service, log);
      continue;
    }
    log.Log(Level::kInfo, std::string("Processing signal '") + (sig == SIGTERM ? "terminated" : "interrupt") + "'");
    return;
  }
}

void RemovePidFile(const Flags& flags) {
  if (!flags.pidfile.empty()) ::unlink(flags.pidfile.c_str());
}

}  // namespace

// parse → build → serve → wait for a stop signal → shut down.
int main(int argc, char** argv) {
  int exit_code = 0;
  std::optional<Flags> flags = ParseFlags(argc, argv, exit_code);
  if (!flags) return exit_code;

  berthd::Logger log;
  if (!log.Configure(flags->log_level, flags->log_format)) {
    std::cerr << "berthd: unknown --log-level or --log-format\n";
    return 1;
  }
  berth::Result<berth::ApiListenConfig> api_listen =
      berth::LoadApiListenConfig(flags->Registry(), kDefaultHost, DefaultCertDir());
  if (!api_listen) {
    log.Log(Level::kFatal, api_listen.error().message());
    return 1;
  }
  berth::Result<berth::server::ServerOptions> server_options = ServerOptionsFor(*flags, *api_listen, log);
  if (!server_options) {
    log.Log(Level::kFatal, server_options.error().message());
    return 1;
  }
  auto service = BuildRegistryService(*flags, log);
  if (!service) {
    log.Log(Level::kFatal, "failed to load the registry configuration: " + service.error().message());
    return 1;
  }
  const sigset_t signals = BlockDaemonSignals();
  if (berth::Status pid = WritePidFile(flags->pidfile); !pid.ok()) {
    log.Log(Level::kFatal, pid.message());
    return 1;
  }
  berth::Result<std::string> data_root = berth::LoadDataRoot(flags->Registry(), kDefaultDataRoot);
  if (!data_root) {
    log.Log(Level::kFatal, data_root.error().message());
    RemovePidFile(*flags);
    return 1;
  }
  flags->data_root = *data_root;
  berth::EngineOptions engine_options = MachineOptions(*flags);
  engine_options.data_root = flags->data_root;
  engine_options.api_hosts = api_listen->hosts;
  engine_options.api_tls = api_listen->tls;
  engine_options.api_tls_verify = api_listen->tls_verify;
  berth::EngineApi api(**service, engine_options);
  // The image store, and the directory uploads (docker load) are spooled to.
  const std::string tmp = flags->data_root + "/tmp";
  std::error_code ec;
  fs::create_directories(tmp, ec);
  if (ec) {
    log.Log(Level::kFatal, "cannot create " + tmp + ": " + ec.message());
    RemovePidFile(*flags);
    return 1;
  }
  for (const auto& entry : fs::directory_iterator(tmp, ec)) {
    if (entry.path().filename().string().rfind("request-", 0) == 0) fs::remove(entry.path(), ec);
  }
  berth::Result<std::string> store_url = berth::LoadImageStore(flags->Registry());
  if (!store_url) {
    log.Log(Level::kFatal, store_url.error().message());
    RemovePidFile(*flags);
    return 1;
  }
  // The store registry's credentials: the daemon user's config.json, as
  // `docker login` wrote it (read once; restart to pick up new ones).
  std::unique_ptr<berth::CredentialStore> store_credentials;
  flags->image_store = *store_url;
  if (!store_url->empty()) {
    auto credentials = berth::CredentialStore::Open(berth::DockerConfigDir());
    if (!credentials) {
      log.Log(Level::kFatal, "failed to read the image store's credentials: " + credentials.error().message());
      RemovePidFile(*flags);
      return 1;
    }
    store_credentials = std::move(*credentials);
  }
  auto images = store_url->empty()
                    ? berth::ImageStore::Open(flags->data_root + "/images", api.client())
                    : berth::ImageStore::OpenOnRegistry(*store_url, flags->data_root + "/images", api.client(),
                                                        [&store_credentials](const berth::IndexInfo& index) {
                                                          return store_credentials->ForIndex(index);
                                                        });
  if (!images) {
    log.Log(Level::kFatal, "failed to open the image store: " + images.error().message());
    RemovePidFile(*flags);
    return 1;
  }
  api.SetImageStore(images->get());
  server_options->spool_dir = tmp;

  // Step 3: serve.
  berth::server::HttpServer server(api, *server_options);
  if (berth::Status started = server.Start(); !started.ok()) {
    log.Log(Level::kFatal, started.message());
    RemovePidFile(*flags);
    return 1;
  }
  WarnAboutTcp(*api_listen, log);
  for (const auto& a : server_options->listen) log.Log(Level::kInfo, "API listen on " + a.String());
  if (!store_url->empty()) log.Log(Level::kInfo, "images are kept in " + *store_url);
  log.Log(Level::kInfo, "berthd " + std::string(BERTH_VERSION) + " has completed initialization");

  WaitForStopSignal(signals, *flags, **service, log);
  server.Stop();
  RemovePidFile(*flags);
  log.Log(Level::kInfo, "berthd shutdown complete");
  return 0;
}

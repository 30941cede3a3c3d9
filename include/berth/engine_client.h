// A client of any Docker Engine's registry routes (dockerd, berthd): what
// the Go SDK's client package gives Go programs for /_ping, /version,
// /info, /auth, /images/search and /distribution/{name}/json, with the
// docker CLI's connection rules (DOCKER_HOST, DOCKER_TLS_VERIFY,
// DOCKER_CERT_PATH, DOCKER_API_VERSION) and its API version negotiation.
//
//   auto engine = berth::EngineClient::Create(berth::EngineClientOptions::FromEnvironment());
//   auto store = berth::CredentialStore::Open(berth::DockerConfigDir());
//   auto inspect = (*engine)->DistributionInspect("alpine:3.19", **store);
//
// Errors: the Engine's `{"message": …}` answers become
// "Error response from daemon: <message>" with the kind of the status
// (400 kInvalidParameter, 401 kUnauthorized, 403 kForbidden, 404 kNotFound,
// 429 kTooManyRequests, 503 kUnavailable, other 4xx kInvalidParameter,
// 5xx kSystem); an unreachable Engine is kUnavailable, worded as the CLI
// words it. One EngineClient serves one thread at a time.
#ifndef BERTH_ENGINE_CLIENT_H_
#define BERTH_ENGINE_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "berth/credentials.h"
#include "berth/error.h"
#include "berth/types.h"
#include "berth/version.h"

namespace berth {

// Where an Engine listens when nothing says otherwise.
inline constexpr std::string_view kDefaultEngineHost = "unix:///var/run/docker.sock";

struct EngineClientOptions {
  // unix:///PATH, tcp://HOST:PORT, http://HOST:PORT or https://HOST:PORT
  // ("" is kDefaultEngineHost). tcp:// is https when `tls` is set.
  std::string host;
  // A fixed API version ("1.41"): no negotiation, as with DOCKER_API_VERSION.
  // "" negotiates on the first request (HEAD /_ping, then GET on failure).
  std::string api_version;
  // TLS for tcp:// and https:// hosts: the directory with ca.pem, cert.pem
  // and key.pem (the CLI's DOCKER_CERT_PATH, ~/.docker by default);
  // `tls_verify` checks the Engine's certificate against ca.pem, which must
  // then be there ("could not read CA certificate …", as the CLI); the
  // client pair is used where both files are there.
  bool tls = false;
  bool tls_verify = false;
  std::string cert_path;
  // Files that replace cert_path's ca.pem, cert.pem and key.pem (the CLI's
  // --tlscacert, --tlscert, --tlskey); named files must exist, and a
  // certificate needs its key.
  std::string ca_file, cert_file, key_file;
  std::chrono::milliseconds connect_timeout{10000};
  // A whole request and answer; registry work behind /auth, /images/search
  // and /distribution can take the daemon a while.
  std::chrono::milliseconds timeout{120000};
  // Answers over this are an error, read no further.
  std::size_t max_response_bytes = 16u << 20;
  std::string user_agent{kUserAgent};

  // The docker CLI's environment: DOCKER_HOST, DOCKER_API_VERSION,
  // DOCKER_TLS_VERIFY (any non-empty value: TLS, verified), DOCKER_TLS,
  // DOCKER_CERT_PATH (default ~/.docker when TLS is on).
  static EngineClientOptions FromEnvironment();
};

// What HEAD/GET /_ping tells (headers of dockerd's answer).
struct EnginePing {
  std::string api_version;  // Api-Version ("" when the Engine sent none)
  std::string os_type;      // Ostype
  bool experimental = false;
  std::string builder_version;
  std::string swarm;  // Swarm: "inactive", "active/manager", ...
};

// GET /version, the fields clients read.
struct EngineVersion {
  std::string platform_name;
  std::string version;
  std::string api_version;
  std::string min_api_version;
  std::string git_commit;
  std::string go_version;
  std::string os;
  std::string arch;
  std::string kernel_version;
  bool experimental = false;
  std::string build_time;
  std::string json;  // the whole answer, for fields not named here
};

// GET /info, the registry-relevant fields and what `berth info` prints.
struct EngineInfo {
  std::string id;
  std::string name;
  std::string server_version;
  std::string operating_system;
  std::string os_type;
  std::string architecture;
  std::string kernel_version;
  std::int64_t ncpu = 0;
  std::int64_t mem_total = 0;
  std::string index_server_address;
  ServiceConfig registry_config;
  std::vector<std::string> warnings;
  std::string json;  // the whole answer
};

// Search filters as the Engine's filters.Args (key → values), sent as the
// `filters` query parameter.
using EngineSearchFilters = std::map<std::string, std::set<std::string>>;

// One line of the JSONMessage stream an Engine writes for a pull, a push
// or a load (pkg/jsonmessage), the fields clients read.
struct JsonMessage {
  std::string stream;                   // a load's "Loaded image: …\n"
  std::string status;                   // "Downloading", "Pull complete", "Digest: sha256:…"
  std::string id;                       // a layer's short ID, or the tag ("1.0: Pulling from …")
  std::string progress;                 // the Engine's rendered bar (deprecated by the Engine, still sent)
  std::int64_t current = 0, total = 0;  // progressDetail, in bytes (0: none)
  bool has_progress_detail = false;     // a progressDetail object was sent, even {}
  std::string error;                    // errorDetail.message, else error
  std::string aux;                      // aux as JSON ("" when none): a push's {"Tag","Digest","Size"}
  std::string line;                     // the line as sent, without its line break
};
// Called with each line as it arrives (before the next is read).
using JsonMessageHandler = std::function<void(const JsonMessage&)>;

// Fresh credentials for a retry after the Engine answered 401 (the Go SDK's
// PrivilegeFunc).
using PrivilegeFunc = std::function<Result<AuthConfig>()>;

// How long and how much a pull's or push's JSONMessage stream may go on.
// The client's timeout bounds silence; these bound an Engine that keeps
// talking forever (kSystem "the Engine's JSON stream went on for more than
// N s" / "… passed N bytes"). 0: no bound.
struct EngineStreamLimits {
  std::chrono::seconds deadline{6 * 3600};
  std::uint64_t max_bytes = 256ull << 20;
};

struct EngineImagePullOptions {
  bool all_tags = false;  // every tag of the repository (the reference must have no tag)
  std::string platform;   // "os[/arch[/variant]]"; "" is the Engine's own
  PrivilegeFunc privilege;
  EngineStreamLimits limits;
};

struct EngineImagePushOptions {
  bool all_tags = false;  // every local tag of the repository
  PrivilegeFunc privilege;
  EngineStreamLimits limits;
};

// GET /images/json, one image.
struct ImageSummary {
  std::string id, parent_id;
  std::vector<std::string> repo_tags, repo_digests;
  std::int64_t created = 0;  // Unix seconds
  std::int64_t size = 0;     // bytes
  std::map<std::string, std::string> labels;
};

// GET /images/{name}/json, the fields most callers need, and the rest.
struct ImageInspectInfo {
  std::string id;
  std::vector<std::string> repo_tags, repo_digests;
  std::string created;  // RFC 3339
  std::string os, architecture, variant;
  std::int64_t size = 0;
  std::string json;  // the whole answer
};

// Where ImageSave writes the tar (an error stops it) and where ImageLoad
// reads it (0 bytes: the end).
using ByteSink = std::function<Status(std::string_view bytes)>;
using ByteSource = std::function<Result<std::size_t>(char* buffer, std::size_t capacity)>;

class EngineClient {
 public:
  static Result<std::unique_ptr<EngineClient>> Create(EngineClientOptions options);
  ~EngineClient();
  EngineClient(const EngineClient&) = delete;
  EngineClient& operator=(const EngineClient&) = delete;

  // The host as given ("unix:///run/berth.sock").
  const std::string& host() const;
  // The version requests use: the pinned one, else the negotiated one
  // (negotiating now if no request has yet).
  Result<std::string> ApiVersion();
  // Connections opened so far (kept alive between calls: usually 1).
  std::uint64_t connections_opened() const;

  Result<EnginePing> Ping();
  Result<EngineVersion> Version();
  Result<EngineInfo> Info();
  // POST /auth: the Engine logs in to auth.server_address (Docker Hub
  // when empty, as the CLI sends it: "https://index.docker.io/v1/").
  Result<AuthenticateOKBody> RegistryLogin(const AuthConfig& auth);
  // GET /images/search. limit 0 sends none (the Engine's default). The
  // X-Registry-Auth header is always sent, as the CLI sends it ("e30=" for
  // no credentials); with a store, the credentials stored for the term's
  // registry.
  Result<std::vector<SearchResult>> ImageSearch(std::string_view term, int limit, const EngineSearchFilters& filters,
                                                const AuthConfig& auth);
  Result<std::vector<SearchResult>> ImageSearch(std::string_view term, int limit, const EngineSearchFilters& filters,
                                                CredentialStore& store);
  // GET /distribution/{reference}/json. Without auth no X-Registry-Auth is
  // sent; with an AuthConfig, that one; with a store, what the CLI's
  // --with-registry-auth sends: the credentials stored for the reference's
  // registry ("e30=", {}, when none are).
  Result<berth::DistributionInspect> DistributionInspect(std::string_view reference);
  Result<berth::DistributionInspect> DistributionInspect(std::string_view reference, const AuthConfig& auth);
  Result<berth::DistributionInspect> DistributionInspect(std::string_view reference, CredentialStore& store);

  // POST /images/create: pulls `reference` (a missing tag is "latest", as
  // the SDK sends it), handing each JSONMessage to `on_message` as it
  // arrives. An error line in the stream ends the call with its message
  // (kSystem); an HTTP error is the Engine's error. A 401 answer with a
  // PrivilegeFunc is retried once with its credentials (the SDK's rule). The
  // stream may take as long as the pull does, but never stays silent longer
  // than the client's timeout; one that ends without its last chunk is an
  // error (`the Engine's answer was cut short: …`). With a store: its
  // credentials for the reference's registry, read again for the retry.
  Status ImagePull(std::string_view reference, const EngineImagePullOptions& options, const AuthConfig& auth,
                   const JsonMessageHandler& on_message);
  Status ImagePull(std::string_view reference, const EngineImagePullOptions& options, CredentialStore& store,
                   const JsonMessageHandler& on_message);
  // POST /images/{name}/push, as ImagePull; a digest reference is refused
  // (`cannot push a digest reference`). The aux line carries the pushed
  // digest.
  Status ImagePush(std::string_view reference, const EngineImagePushOptions& options, const AuthConfig& auth,
                   const JsonMessageHandler& on_message);
  Status ImagePush(std::string_view reference, const EngineImagePushOptions& options, CredentialStore& store,
                   const JsonMessageHandler& on_message);
  // GET /images/json (`all`: intermediate images too); filters as the
  // Engine's (reference, dangling, label, before, since, until).
  Result<std::vector<ImageSummary>> ImageList(bool all, const EngineSearchFilters& filters);
  // GET /images/{name}/json; a missing image is kNotFound ("Error response
  // from daemon: No such image: NAME").
  Result<ImageInspectInfo> ImageInspect(std::string_view name);
  // POST /images/{source}/tag. `target` must be a name[:tag] ("latest"
  // when none): a digest is refused as the SDK refuses it.
  Status ImageTag(std::string_view source, std::string_view target);
  // DELETE /images/{name}.
  Result<std::vector<ImageDeleteItem>> ImageRemove(std::string_view name, bool force, bool prune_children = true);
  // GET /images/get?names=…: the tar, streamed to `sink` as it arrives.
  Status ImageSave(const std::vector<std::string>& names, const ByteSink& sink);
  // POST /images/load: the tar from `source`, sent as it is read (chunked);
  // the Engine's JSONMessages to `on_message` ("Loaded image: …").
  Status ImageLoad(const ByteSource& source, bool quiet, const JsonMessageHandler& on_message);

  // The X-Registry-Auth value the docker CLI sends for `reference` (an
  // image reference or a search term when `search` is set), from the
  // store: what these calls send.
  static Result<std::string> AuthHeaderFor(std::string_view reference, CredentialStore& store, bool search = false);

  struct Impl;

 private:
  explicit EngineClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace berth

#endif  // BERTH_ENGINE_CLIENT_H_

// The image routes that stream: POST /images/create (pull), POST
// /images/{name}/push, GET /images/{name}/get and GET /images/get (save),
// POST /images/load. Errors met before anything is written are HTTP
// errors; after that they are the stream's last line, as dockerd does.
#include <algorithm>

#include "berth/auth_header.h"
#include "berth/transfer.h"
#include "engine/json_message.h"
#include "engine/routes.h"
#include "transfer/platforms.h"

namespace berth::engine {
namespace {

AuthResolver FixedAuth(AuthConfig auth) {
  return [auth = std::move(auth)](const IndexInfo&) -> Result<AuthConfig> { return auth; };
}

// A response whose body is the JSONMessage stream `run` writes through
// `emit`; run's error goes in the stream once anything was written.
EngineResponse JsonStream(
    const Context& c,
    std::function<Status(const std::function<void(const std::string&)>& emit, const std::function<bool()>& cancelled)>
        run) {
  EngineResponse r;
  r.headers.emplace_back("Content-Type", "application/json");
  std::string api_version(c.api_version);
  r.stream = [run = std::move(run), api_version](ResponseStream& out) {
    bool wrote = false;
    auto emit = [&](const std::string& line) {
      wrote = true;
      out.Write(line);
    };
    Status s = run(emit, [&out] { return !out.Alive(); });
    EngineResponse outcome;
    if (s.ok()) return outcome;
    if (!wrote) return ErrorResponse(s.error(), api_version);
    out.Write(ErrorLine(s.message()));
    outcome.error = s.message();
    return outcome;
  };
  return r;
}

}  // namespace

EngineResponse ImageCreateRoute(const Context& c, const EngineRequest& request, const detail::QueryValues& query) {
  std::string from = QueryValue(query, "fromImage");
  if (from.empty()) {
    return ErrorResponse(Error(ErrorKind::kInvalidParameter, "importing images (fromSrc) is not supported by berthd"),
                         c.api_version);
  }
  // `docker pull -a` sends "name:" — the colon is dropped.
  if (from.back() == ':') from.pop_back();
  const std::string tag = QueryValue(query, "tag");
  Result<Reference> ref = ParseNormalizedNamed(from);
  if (!ref) return ErrorResponse(Error(ErrorKind::kInvalidParameter, ref.error().message()), c.api_version);
  if (!tag.empty()) {
    Result<Reference> with =
        tag.find(':') != std::string::npos ? WithDigest(TrimNamed(*ref), tag) : WithTag(TrimNamed(*ref), tag);
    if (!with) return ErrorResponse(Error(ErrorKind::kInvalidParameter, with.error().message()), c.api_version);
    ref = with;
  }
  if (ref->path() == "library/scratch" && ref->domain() == "docker.io") {
    return ErrorResponse(Error(ErrorKind::kForbidden, "'scratch' is a reserved name"), c.api_version);
  }
  std::optional<Platform> platform;
  if (std::string p = QueryValue(query, "platform"); !p.empty()) {
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char ch) { return std::tolower(ch); });
    Result<Platform> parsed = ParsePlatform(p);
    if (!parsed) return ErrorResponse(parsed.error(), c.api_version);
    platform = *parsed;
  }
  // An invalid header is ignored, as dockerd ignores it.
  AuthConfig auth = DecodeAuthConfig(request.Header("x-registry-auth")).config;
  const bool all_tags = tag.empty() && !ref->has_tag() && !ref->has_digest();
  ImageStore* images = c.images;
  RegistryClient* client = &c.client;
  return JsonStream(c, [=](const auto& emit, const auto& cancelled) -> Status {
    ImagePullOptions options;
    options.platform = platform;
    options.auth = FixedAuth(auth);
    options.cancelled = cancelled;
    options.progress = [&](const ImageProgress& p) { emit(JsonMessageLine(p)); };
    if (!all_tags) return images->Pull(*ref, options);
    Result<std::vector<std::string>> tags =
        ListTags(*client, ImageLocation{LocationKind::kRegistry, ref->String(), ""}, options.auth);
    if (!tags) return tags.error();
    for (const std::string& t : *tags) {
      Result<Reference> tagged = WithTag(*ref, t);
      if (!tagged) continue;
      if (Status s = images->Pull(*tagged, options); !s.ok()) return s;
    }
    return {};
  });
}

EngineResponse ImagePushRoute(const Context& c, const EngineRequest& request, const std::string& name,
                              const detail::QueryValues& query) {
  AuthConfig auth;
  if (std::string header = request.Header("x-registry-auth"); !header.empty()) {
    auth = DecodeAuthConfig(header).config;  // errors ignored, as dockerd
  } else {
    AuthConfigDecoding body = DecodeAuthConfigBody(request.body);
    if (!body.status.ok()) {
      return ErrorResponse(Error(ErrorKind::kInvalidParameter, "bad parameters and missing X-Registry-Auth"),
                           c.api_version);
    }
    auth = body.config;
  }
  Result<Reference> ref = ParseNormalizedNamed(name);
  if (!ref) return ErrorResponse(Error(ErrorKind::kInvalidParameter, ref.error().message()), c.api_version);
  if (std::string tag = QueryValue(query, "tag"); !tag.empty()) {
    Result<Reference> tagged = WithTag(TrimNamed(*ref), tag);
    if (!tagged) return ErrorResponse(Error(ErrorKind::kInvalidParameter, tagged.error().message()), c.api_version);
    ref = tagged;
  }
  ImageStore* images = c.images;
  return JsonStream(c, [=](const auto& emit, const auto& cancelled) -> Status {
    ImagePushOptions options;
    options.auth = FixedAuth(auth);
    options.cancelled = cancelled;
    options.progress = [&](const ImageProgress& p) { emit(JsonMessageLine(p)); };
    return images->Push(*ref, options);
  });
}

EngineResponse ImageSaveRoute(const Context& c, std::vector<std::string> names) {
  // Every name is looked up first: a missing one is a 404, not a broken tar.
  for (const std::string& name : names) {
    Result<Reference> ref = ParseAnyReference(name);
    if (ref && ref->named() && !ref->has_tag() && !ref->has_digest()) continue;  // every tag of a repository
    if (Result<StoredImage> image = c.images->Find(name); !image) return ErrorResponse(image.error(), c.api_version);
  }
  EngineResponse r;
  r.headers.emplace_back("Content-Type", "application/x-tar");
  ImageStore* images = c.images;
  std::string api_version(c.api_version);
  r.stream = [images, names = std::move(names), api_version](ResponseStream& out) {
    bool wrote = false;
    Status s = images->Save(names, [&](std::string_view chunk) -> Status {
      wrote = true;
      if (!out.Write(chunk)) return Error(ErrorKind::kSystem, "the client went away");
      return {};
    });
    EngineResponse outcome;
    if (s.ok()) return outcome;
    if (!wrote) return ErrorResponse(s.error(), api_version);
    outcome.error = s.message();
    outcome.cut_stream = true;  // a tar has no room for an error: the client sees a cut transfer
    return outcome;
  };
  return r;
}

EngineResponse ImageLoadRoute(const Context& c, const EngineRequest& request, const detail::QueryValues& query) {
  const std::string path = request.body_file;
  if (path.empty()) {
    return ErrorResponse(Error(ErrorKind::kInvalidParameter, "berthd takes image tars only spooled to disk"),
                         c.api_version);
  }
  (void)query;  // quiet: berthd writes no "Loading layer" progress either way
  ImageStore* images = c.images;
  EngineResponse r = JsonStream(c, [=](const auto& emit, const auto&) -> Status {
    return images->Load(path, [&](const ImageProgress& p) { emit(StreamLine(p.status)); });
  });
  // dockerd answers load errors in the stream, always with 200.
  auto inner = std::move(r.stream);
  r.stream = [inner = std::move(inner)](ResponseStream& out) {
    EngineResponse outcome = inner(out);
    if (outcome.status != 200) {
      std::string message = outcome.error;
      out.Write(ErrorLine(message));
      EngineResponse done;
      done.error = message;
      return done;
    }
    return outcome;
  };
  return r;
}

}  // namespace berth::engine

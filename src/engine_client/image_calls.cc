// EngineClient's image calls: pull, push, list, inspect, tag, remove, save
// and load, sent as the Go SDK (client/image_*.go) sends them; the
// JSONMessage streams read line by line as they arrive.
#include "berth/auth_header.h"
#include "berth/engine_client.h"
#include "berth/json.h"
#include "berth/reference.h"
#include "engine_client/client_impl.h"
#include "internal/go_url.h"
#include "json/value.h"

namespace berth {

namespace {

using json_detail::JsonValue;

// The longest JSONMessage line read: a progress line is ~200 bytes, an
// error a few KiB; anything near this is not an Engine talking.
constexpr std::size_t kMaxLineBytes = 1u << 20;

std::string Text(const JsonValue* v) {
  return v && v->is_string() ? v->text : std::string();
}

std::int64_t Number(const JsonValue* v) {
  if (!v || v->kind != JsonValue::Kind::kNumber) return 0;
  try {
    return static_cast<std::int64_t>(std::stoll(v->text));
  } catch (...) {
    return 0;
  }
}

std::vector<std::string> Strings(const JsonValue* v) {
  std::vector<std::string> out;
  if (!v) return out;
  for (const JsonValue& item : v->items)
    if (item.is_string()) out.push_back(item.text);
  return out;
}

// The JSONMessage stream as it arrives: complete lines are decoded and
// handed on; an error line stops the stream with its message.
class JsonMessageReader {
 public:
  explicit JsonMessageReader(const JsonMessageHandler& on_message) : on_message_(on_message) {}

  Status Feed(std::string_view chunk) {
    pending_.append(chunk);
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
      if (Status s = Line(std::string_view(pending_).substr(start, nl - start)); !s.ok()) return s;
    }
    pending_.erase(0, start);
    if (pending_.size() > kMaxLineBytes) {
      return Error(ErrorKind::kSystem, "the Engine sent a line longer than 1 MiB in its JSON stream");
    }
    return {};
  }

  // The end of the stream: a last line without its line break.
  Status Finish() {
    std::string rest = std::move(pending_);
    return Line(rest);
  }

 private:
  Status Line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) return {};
    JsonValue v;
    if (Status parsed = json_detail::ParseJson(line, v); !parsed.ok() || !v.is_object()) {
      return Error(ErrorKind::kSystem,
                   "the Engine sent a line that is not a JSON message: " + std::string(line.substr(0, 200)));
    }
    JsonMessage m;
    m.line = std::string(line);
    m.stream = Text(v.Find("stream"));
    m.status = Text(v.Find("status"));
    m.id = Text(v.Find("id"));
    m.progress = Text(v.Find("progress"));
    if (const JsonValue* detail = v.Find("progressDetail"); detail && detail->is_object()) {
      m.has_progress_detail = true;
      m.current = Number(detail->Find("current"));
      m.total = Number(detail->Find("total"));
    }
    if (const JsonValue* detail = v.Find("errorDetail"); detail && detail->is_object()) {
      m.error = Text(detail->Find("message"));
    }
    if (m.error.empty()) m.error = Text(v.Find("error"));
    if (const JsonValue* aux = v.Find("aux"); aux && aux->kind != JsonValue::Kind::kNull) {
      m.aux = json_detail::MarshalCompact(*aux);
    }
    if (!m.error.empty()) return Error(ErrorKind::kSystem, m.error);  // the docker CLI's rule: the stream ends here
    if (on_message_) on_message_(m);
    return {};
  }

  const JsonMessageHandler& on_message_;
  std::string pending_;
};

// One call whose answer is a JSONMessage stream; a 401 is retried once
// with fresh credentials when there is a PrivilegeFunc (the SDK's rule).
Status StreamMessages(EngineClient::Impl& impl, const std::string& method, const std::string& path,
                      const AuthConfig* auth, const PrivilegeFunc& privilege, const JsonMessageHandler& on_message,
                      const EngineStreamLimits& limits, EngineClient::Impl::Streaming streaming = {},
                      EngineClient::Impl::Headers extra = {}) {
  for (int attempt = 0;; ++attempt) {
    EngineClient::Impl::Headers headers = extra;
    std::optional<AuthConfig> fresh;
    if (attempt > 0) {
      Result<AuthConfig> got = privilege();
      if (!got) return got.error();
      fresh = std::move(*got);
    }
    if (fresh || auth) headers.emplace_back(std::string(kAuthHeader), EncodeAuthConfig(fresh ? *fresh : *auth));
    JsonMessageReader reader(on_message);
    std::optional<Error> stream_error;  // the stream's own, not the transport's
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t bytes = 0;
    streaming.body_sink = [&](long, std::string_view chunk) -> Status {
      bytes += chunk.size();
      Status s = reader.Feed(chunk);
      if (s.ok() && limits.max_bytes > 0 && bytes > limits.max_bytes) {
        s = Error(ErrorKind::kSystem, "the Engine's JSON stream passed " + std::to_string(limits.max_bytes) + " bytes");
      }
      if (s.ok() && limits.deadline.count() > 0 && std::chrono::steady_clock::now() - start > limits.deadline) {
        s = Error(ErrorKind::kSystem,
                  "the Engine's JSON stream went on for more than " + std::to_string(limits.deadline.count()) + " s");
      }
      if (!s.ok()) stream_error = s.error();
      return s;
    };
    Result<http::Response> r = impl.Call(method, path, headers, {}, &streaming);
    if (stream_error) return *stream_error;
    if (!r) {
      if (r.error().kind() == ErrorKind::kUnauthorized && attempt == 0 && privilege && !streaming.body_reader) {
        continue;
      }
      return r.error();
    }
    return reader.Finish();
  }
}

// The registry credentials a store holds for `reference`, read now.
Result<AuthConfig> StoredAuth(std::string_view reference, CredentialStore& store) {
  Result<std::string> header = EngineClient::AuthHeaderFor(reference, store);
  if (!header) return header.error();
  AuthConfigDecoding decoded = DecodeAuthConfig(*header);
  if (!decoded.status.ok()) return decoded.status.error();
  return decoded.config;
}

Result<Reference> ParseForEngine(std::string_view reference) {
  Result<Reference> ref = ParseNormalizedNamed(reference);
  if (!ref) return ref.error();
  return ref;
}

}  // namespace

Status EngineClient::ImagePull(std::string_view reference, const EngineImagePullOptions& options,
                               const AuthConfig& auth, const JsonMessageHandler& on_message) {
  Result<Reference> ref = ParseForEngine(reference);
  if (!ref) return ref.error();
  // The SDK's getAPITagFromNamedRef: the digest, else the tag, else
  // "latest" — nothing with all tags.
  detail::QueryValues query;
  query["fromImage"].push_back(ref->FamiliarName());
  if (!options.all_tags) {
    query["tag"].push_back(!ref->digest().empty() ? ref->digest() : !ref->tag().empty() ? ref->tag() : "latest");
  }
  if (!options.platform.empty()) {
    std::string platform = options.platform;
    for (char& c : platform) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    query["platform"].push_back(platform);
  }
  return StreamMessages(*impl_, "POST", "/images/create?" + detail::EncodeQuery(query), &auth, options.privilege,
                        on_message, options.limits);
}

Status EngineClient::ImagePull(std::string_view reference, const EngineImagePullOptions& options,
                               CredentialStore& store, const JsonMessageHandler& on_message) {
  Result<AuthConfig> auth = StoredAuth(reference, store);
  if (!auth) return auth.error();
  EngineImagePullOptions with_store = options;
  if (!with_store.privilege)
    with_store.privilege = [reference = std::string(reference), &store] { return StoredAuth(reference, store); };
  return ImagePull(reference, with_store, *auth, on_message);
}

Status EngineClient::ImagePush(std::string_view reference, const EngineImagePushOptions& options,
                               const AuthConfig& auth, const JsonMessageHandler& on_message) {
  Result<Reference> ref = ParseForEngine(reference);
  if (!ref) return ref.error();
  if (!ref->digest().empty()) return Error(ErrorKind::kInvalidParameter, "cannot push a digest reference");
  detail::QueryValues query;
  if (!options.all_tags) query["tag"].push_back(ref->tag().empty() ? "latest" : ref->tag());
  std::string path = "/images/" + detail::EscapePath(ref->FamiliarName()) + "/push";
  if (!query.empty()) path += "?" + detail::EncodeQuery(query);
  return StreamMessages(*impl_, "POST", path, &auth, options.privilege, on_message, options.limits);
}

Status EngineClient::ImagePush(std::string_view reference, const EngineImagePushOptions& options,
                               CredentialStore& store, const JsonMessageHandler& on_message) {
  Result<AuthConfig> auth = StoredAuth(reference, store);
  if (!auth) return auth.error();
  EngineImagePushOptions with_store = options;
  if (!with_store.privilege)
    with_store.privilege = [reference = std::string(reference), &store] { return StoredAuth(reference, store); };
  return ImagePush(reference, with_store, *auth, on_message);
}

Result<std::vector<ImageSummary>> EngineClient::ImageList(bool all, const EngineSearchFilters& filters) {
  detail::QueryValues query;
  if (all) query["all"].push_back("1");
  if (!filters.empty()) {
    // filters.ToJSON, as the search filters are sent.
    JsonValue f = JsonValue::Object();
    for (const auto& [key, values] : filters) {
      JsonValue set = JsonValue::Object();
      for (const std::string& v : values) {
        JsonValue yes;
        yes.kind = JsonValue::Kind::kBool;
        yes.boolean = true;
        set.Set(v, yes);
      }
      f.Set(key, std::move(set));
    }
    query["filters"].push_back(json_detail::MarshalCompact(f));
  }
  std::string path = "/images/json";
  if (!query.empty()) path += "?" + detail::EncodeQuery(query);
  Result<http::Response> r = impl_->Call("GET", path);
  if (!r) return r.error();
  JsonValue v;
  if (Status s = json_detail::ParseJson(r->body, v); !s.ok() || v.kind != JsonValue::Kind::kArray) {
    return Error(ErrorKind::kSystem, "the Engine's image list is not a JSON array");
  }
  std::vector<ImageSummary> images;
  for (const JsonValue& item : v.items) {
    ImageSummary s;
    s.id = Text(item.Find("Id"));
    s.parent_id = Text(item.Find("ParentId"));
    s.repo_tags = Strings(item.Find("RepoTags"));
    s.repo_digests = Strings(item.Find("RepoDigests"));
    s.created = Number(item.Find("Created"));
    s.size = Number(item.Find("Size"));
    if (const JsonValue* labels = item.Find("Labels"); labels && labels->is_object()) {
      for (const auto& [k, value] : labels->members) s.labels[k] = Text(&value);
    }
    images.push_back(std::move(s));
  }
  return images;
}

Result<ImageInspectInfo> EngineClient::ImageInspect(std::string_view name) {
  if (name.empty()) return Error(ErrorKind::kNotFound, "Error response from daemon: No such image: ");
  Result<http::Response> r = impl_->Call("GET", "/images/" + detail::EscapePath(name) + "/json");
  if (!r) return r.error();
  JsonValue v;
  if (Status s = json_detail::ParseJson(r->body, v); !s.ok() || !v.is_object()) {
    return Error(ErrorKind::kSystem, "the Engine's image inspect is not a JSON object");
  }
  ImageInspectInfo info;
  info.id = Text(v.Find("Id"));
  info.repo_tags = Strings(v.Find("RepoTags"));
  info.repo_digests = Strings(v.Find("RepoDigests"));
  info.created = Text(v.Find("Created"));
  info.os = Text(v.Find("Os"));
  info.architecture = Text(v.Find("Architecture"));
  info.variant = Text(v.Find("Variant"));
  info.size = Number(v.Find("Size"));
  info.json = std::move(r->body);
  return info;
}

Status EngineClient::ImageTag(std::string_view source, std::string_view target) {
  if (Result<Reference> src = ParseAnyReference(source); !src) {
    return Error(ErrorKind::kInvalidParameter, "Error parsing reference: \"" + std::string(source) +
                                                   "\" is not a valid repository/tag: " + src.error().message());
  }
  Result<Reference> ref = ParseNormalizedNamed(target);
  if (!ref) return ref.error();
  if (!ref->digest().empty()) {
    return Error(ErrorKind::kInvalidParameter, "refusing to create a tag with a digest reference");
  }
  detail::QueryValues query;
  query["repo"].push_back(ref->FamiliarName());
  query["tag"].push_back(ref->tag().empty() ? "latest" : ref->tag());
  Result<http::Response> r =
      impl_->Call("POST", "/images/" + detail::EscapePath(source) + "/tag?" + detail::EncodeQuery(query));
  if (!r) return r.error();
  return {};
}

Result<std::vector<ImageDeleteItem>> EngineClient::ImageRemove(std::string_view name, bool force, bool prune_children) {
  detail::QueryValues query;
  if (force) query["force"].push_back("1");
  if (!prune_children) query["noprune"].push_back("1");
  std::string path = "/images/" + detail::EscapePath(name);
  if (!query.empty()) path += "?" + detail::EncodeQuery(query);
  Result<http::Response> r = impl_->Call("DELETE", path);
  if (!r) return r.error();
  JsonValue v;
  if (Status s = json_detail::ParseJson(r->body, v); !s.ok() || v.kind != JsonValue::Kind::kArray) {
    return Error(ErrorKind::kSystem, "the Engine's answer to a removal is not a JSON array");
  }
  std::vector<ImageDeleteItem> items;
  for (const JsonValue& item : v.items) items.push_back({Text(item.Find("Untagged")), Text(item.Find("Deleted"))});
  return items;
}

Status EngineClient::ImageSave(const std::vector<std::string>& names, const ByteSink& sink) {
  detail::QueryValues query;
  for (const std::string& n : names) query["names"].push_back(n);
  Impl::Streaming streaming;
  std::optional<Error> sink_error;  // the sink's own, not the transport's
  streaming.body_sink = [&sink, &sink_error](long, std::string_view chunk) {
    Status s = sink(chunk);
    if (!s.ok()) sink_error = s.error();
    return s;
  };
  Result<http::Response> r = impl_->Call("GET", "/images/get?" + detail::EncodeQuery(query), {}, {}, &streaming);
  if (sink_error) return *sink_error;
  if (!r) return r.error();
  return {};
}

Status EngineClient::ImageLoad(const ByteSource& source, bool quiet, const JsonMessageHandler& on_message) {
  Impl::Streaming streaming;
  streaming.body_reader = source;
  streaming.body_length = -1;
  return StreamMessages(*impl_, "POST", quiet ? "/images/load?quiet=1" : "/images/load?quiet=0", nullptr, nullptr,
                        on_message, EngineStreamLimits{}, std::move(streaming),
                        {{"Content-Type", "application/x-tar"}});
}

}  // namespace berth

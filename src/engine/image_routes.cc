// The image routes that answer at once: GET /images/json, GET
// /images/{name}/json, GET /images/{name}/history, POST
// /images/{name}/tag, DELETE /images/{name}, POST /images/prune — over the
// image store, with dockerd's JSON and errors.
#include <fnmatch.h>
#include <algorithm>

#include "berth/json.h"
#include "engine/json_object.h"
#include "engine/routes.h"
#include "internal/go_time.h"
#include "json/value.h"

namespace berth::engine {
namespace {

using json_detail::JsonValue;

// What an image's config says that the routes show.
struct ImageConfig {
  JsonValue doc;
  std::int64_t created = 0;  // unix seconds
  std::string created_text;  // as the config writes it
  std::map<std::string, std::string> labels;
};

ImageConfig ConfigOf(const Context& c, const StoredImage& image) {
  ImageConfig out;
  Result<std::string> text = c.images->ReadBlob(image.id, 4u << 20);
  if (!text || !json_detail::ParseJson(*text, out.doc).ok() || !out.doc.is_object()) return out;
  if (const JsonValue* created = out.doc.Find("created"); created && created->is_string()) {
    out.created_text = created->text;
    if (Result<detail::GoTime> t = detail::ParseGoRfc3339(created->text)) out.created = t->unix_seconds;
  }
  const JsonValue* config = out.doc.Find("config");
  const JsonValue* labels = config ? config->Find("Labels") : nullptr;
  if (labels && labels->is_object()) {
    for (const auto& [k, v] : labels->members) out.labels[k] = v.text;
  }
  return out;
}

// The image config's "config" as the Engine shows it: a container.Config,
// every field there (null or empty where the image has none), in its order.
std::string ContainerConfig(const JsonValue* c) {
  if (c == nullptr || !c->is_object()) return "null";
  auto text = [&](const char* key) {
    const JsonValue* v = c->Find(key);
    return v && v->is_string() ? v->text : std::string();
  };
  auto raw = [&](const char* key) -> std::optional<std::string> {
    const JsonValue* v = c->Find(key);
    if (v == nullptr || v->kind == JsonValue::Kind::kNull) return std::nullopt;
    return json_detail::MarshalCompact(*v);
  };
  auto or_null = [&](const char* key) { return raw(key).value_or("null"); };
  JsonObject o;
  o.Str("Hostname", "")
      .Str("Domainname", "")
      .Str("User", text("User"))
      .Bool("AttachStdin", false)
      .Bool("AttachStdout", false)
      .Bool("AttachStderr", false);
  if (std::optional<std::string> ports = raw("ExposedPorts"); ports && *ports != "{}") o.Raw("ExposedPorts", *ports);
  o.Bool("Tty", false).Bool("OpenStdin", false).Bool("StdinOnce", false).Raw("Env", or_null("Env"));
  o.Raw("Cmd", or_null("Cmd"));
  if (std::optional<std::string> health = raw("Healthcheck")) o.Raw("Healthcheck", *health);
  if (const JsonValue* escaped = c->Find("ArgsEscaped"); escaped && escaped->boolean) o.Bool("ArgsEscaped", true);
  o.Str("Image", text("Image"))
      .Raw("Volumes", or_null("Volumes"))
      .Str("WorkingDir", text("WorkingDir"))
      .Raw("Entrypoint", or_null("Entrypoint"))
      .Raw("OnBuild", or_null("OnBuild"))
      .Raw("Labels", or_null("Labels"));
  if (!text("StopSignal").empty()) o.Str("StopSignal", text("StopSignal"));
  if (std::optional<std::string> shell = raw("Shell")) o.Raw("Shell", *shell);
  return o.Done();
}

std::string StringArray(const std::vector<std::string>& items, bool null_when_empty) {
  if (items.empty()) return null_when_empty ? "null" : "[]";
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    json_detail::Writer w(false, items[i].size() + 2);
    w.String(items[i]);
    out += (i ? "," : "") + std::string(w.data(), w.size());
  }
  return out + "]";
}

// RepoTags and RepoDigests as the Engine shows them (familiar names).
void NamesOf(const StoredImage& image, std::vector<std::string>& tags, std::vector<std::string>& digests) {
  for (const std::string& name : image.names) {
    Result<Reference> ref = ParseNormalizedNamed(name);
    if (!ref) continue;
    (ref->has_digest() ? digests : tags).push_back(ref->FamiliarString());
  }
}

// strconv.ParseBool, as the Engine reads boolean query values.
std::optional<bool> ParseBool(const std::string& v) {
  if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") return true;
  if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") return false;
  return std::nullopt;
}

// An image filter set: reference, dangling, label, before, since, until.
struct ImageFilters {
  std::vector<std::string> references;
  std::optional<bool> dangling;
  std::vector<std::string> labels;
  std::vector<std::string> not_labels;  // prune's label!: images without it
  std::optional<std::int64_t> before, since, until;
};

Result<ImageFilters> ParseImageFilters(const Context& c, const std::string& json, bool prune) {
  ImageFilters f;
  Result<SearchFilters> raw = ParseSearchFilters(json);
  if (!raw) return raw.error();
  for (const auto& [key, values] : *raw) {
    static const std::set<std::string> kList{"reference", "dangling", "label", "before", "since", "until"};
    static const std::set<std::string> kPrune{"dangling", "label", "label!", "until"};
    if (!(prune ? kPrune : kList).count(key)) {
      return Error(ErrorKind::kInvalidParameter, "invalid filter '" + key + "'");
    }
    for (const std::string& v : values) {
      if (key == "reference") f.references.push_back(v);
      if (key == "label") f.labels.push_back(v);
      if (key == "dangling") {
        std::optional<bool> b = ParseBool(v);
        if (!b) return Error(ErrorKind::kInvalidParameter, "invalid filter 'dangling=" + v + "'");
        f.dangling = *b;
      }
      if (key == "before" || key == "since") {
        Result<StoredImage> image = c.images->Find(v);
        if (!image) return image.error();
        std::int64_t created = ConfigOf(c, *image).created;
        (key == "before" ? f.before : f.since) = created;
      }
      if (key == "until") {
        Result<std::int64_t> t = detail::ParseEngineTimestamp(v, static_cast<std::int64_t>(std::time(nullptr)));
        if (!t) return t.error();
        f.until = *t;
      }
      if (key == "label!") f.not_labels.push_back(v);
    }
  }
  return f;
}

// "key" or "key=value" against an image's labels.
bool HasLabel(const ImageConfig& config, const std::string& want) {
  const std::size_t eq = want.find('=');
  auto it = config.labels.find(want.substr(0, eq));
  return it != config.labels.end() && (eq == std::string::npos || it->second == want.substr(eq + 1));
}

bool LabelsMatch(const ImageFilters& f, const ImageConfig& config) {
  for (const std::string& want : f.labels)
    if (!HasLabel(config, want)) return false;
  for (const std::string& unwanted : f.not_labels)
    if (HasLabel(config, unwanted)) return false;
  return true;
}

// reference filters match a name's familiar form, or its repository, as a
// glob whose '*' stays within one path component (dockerd's
// reference.FamiliarMatch on Go's path.Match).
bool ReferenceMatches(const std::string& pattern, const std::string& name) {
  Result<Reference> ref = ParseNormalizedNamed(name);
  if (!ref) return false;
  if (::fnmatch(pattern.c_str(), ref->FamiliarString().c_str(), FNM_PATHNAME) == 0) return true;
  return ::fnmatch(pattern.c_str(), ref->FamiliarName().c_str(), FNM_PATHNAME) == 0;
}

}  // namespace

EngineResponse ImageListRoute(const Context& c, const detail::QueryValues& query) {
  Result<ImageFilters> filters = ParseImageFilters(c, QueryValue(query, "filters"), false);
  if (!filters) return ErrorResponse(filters.error(), c.api_version);
  const bool show_digests = QueryBool(query, "digests");
  const bool before_1_44 = detail::CompareApiVersions(c.api_version, "1.44") < 0;
  struct Row {
    std::int64_t created;
    std::string json;
  };
  Result<std::vector<StoredImage>> images = c.images->List();
  if (!images) return ErrorResponse(images.error(), c.api_version);
  std::vector<Row> rows;
  for (const StoredImage& image : *images) {
    ImageConfig config = ConfigOf(c, image);
    if (!LabelsMatch(*filters, config)) continue;
    if (filters->before && config.created >= *filters->before) continue;
    if (filters->since && config.created <= *filters->since) continue;
    if (filters->until && config.created >= *filters->until) continue;
    std::vector<std::string> tags, digests;
    NamesOf(image, tags, digests);
    if (!filters->references.empty()) {
      std::vector<std::string> kept_tags, kept_digests;
      for (const std::string& name : image.names) {
        bool match = std::any_of(filters->references.begin(), filters->references.end(),
                                 [&](const std::string& p) { return ReferenceMatches(p, name); });
        Result<Reference> ref = ParseNormalizedNamed(name);
        if (match && ref) (ref->has_digest() ? kept_digests : kept_tags).push_back(ref->FamiliarString());
      }
      if (kept_tags.empty() && kept_digests.empty()) continue;
      tags = kept_tags;
      digests = kept_digests;
    }
    const bool dangling = tags.empty();
    if (filters->dangling && *filters->dangling != dangling) continue;
    if (tags.empty() && digests.empty()) {
      tags = {"<none>:<none>"};
      digests = {"<none>@<none>"};
    }
    std::string labels = "null";
    if (!config.labels.empty()) {
      JsonObject l;
      for (const auto& [k, v] : config.labels) l.Str(k, v);
      labels = l.Done();
    }
    JsonObject row;
    row.Int("Containers", -1)
        .Int("Created", config.created)
        .Str("Id", image.id)
        .Raw("Labels", labels)
        .Str("ParentId", "")
        .Raw("RepoDigests", StringArray(digests, true))
        .Raw("RepoTags", StringArray(tags, true))
        .Int("SharedSize", -1)
        .Int("Size", image.size);
    if (before_1_44) row.Int("VirtualSize", image.size);
    (void)show_digests;  // RepoDigests are always there; the CLI shows them with --digests
    rows.push_back({config.created, row.Done()});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.created > b.created; });
  std::string out = "[";
  for (std::size_t i = 0; i < rows.size(); ++i) out += (i ? "," : "") + rows[i].json;
  return JsonResponse(200, out + "]");
}

EngineResponse ImageInspectRoute(const Context& c, const std::string& name) {
  Result<StoredImage> image = c.images->Find(name);
  if (!image) return ErrorResponse(image.error(), c.api_version);
  ImageConfig config = ConfigOf(c, *image);
  auto text = [&](const char* key) {
    const JsonValue* v = config.doc.Find(key);
    return v && v->is_string() ? v->text : std::string();
  };
  std::vector<std::string> tags, digests;
  NamesOf(*image, tags, digests);
  std::vector<std::string> diff_ids;
  if (const JsonValue* rootfs = config.doc.Find("rootfs")) {
    if (const JsonValue* ids = rootfs->Find("diff_ids"))
      for (const JsonValue& id : ids->items) diff_ids.push_back(id.text);
  }
  JsonObject out;
  out.Str("Id", image->id)
      .Raw("RepoTags", StringArray(tags, false))
      .Raw("RepoDigests", StringArray(digests, false))
      .Str("Parent", "")
      .Str("Comment", text("comment"))
      .Str("Created", config.created_text);
  if (detail::CompareApiVersions(c.api_version, "1.44") < 0) out.Str("Container", "").Raw("ContainerConfig", "null");
  out.Str("DockerVersion", text("docker_version"))
      .Str("Author", text("author"))
      .Raw("Config", ContainerConfig(config.doc.Find("config")));
  out.Str("Architecture", text("architecture"));
  if (!text("variant").empty()) out.Str("Variant", text("variant"));
  out.Str("Os", text("os"));
  if (!text("os.version").empty()) out.Str("OsVersion", text("os.version"));
  out.Int("Size", image->size);
  if (detail::CompareApiVersions(c.api_version, "1.44") < 0) out.Int("VirtualSize", image->size);
  out.Raw("GraphDriver", JsonObject().Raw("Data", "null").Str("Name", "oci-layout").Done())
      .Raw("RootFS", JsonObject().Str("Type", "layers").Raw("Layers", StringArray(diff_ids, false)).Done())
      .Raw("Metadata", JsonObject().Str("LastTagTime", "0001-01-01T00:00:00Z").Done());
  return JsonResponse(200, out.Done());
}

EngineResponse ImageHistoryRoute(const Context& c, const std::string& name) {
  Result<StoredImage> image = c.images->Find(name);
  if (!image) return ErrorResponse(image.error(), c.api_version);
  ImageConfig config = ConfigOf(c, *image);
  std::vector<std::string> tags, digests;
  NamesOf(*image, tags, digests);
  // Newest first; the image's ID and tags on the top entry, "<missing>"
  // below, as dockerd shows a pulled image's history.
  std::vector<std::string> rows;
  const JsonValue* history = config.doc.Find("history");
  std::size_t layer = 0;
  Result<std::string> manifest_text = c.images->ReadBlob(image->manifest.digest, 4u << 20);
  std::vector<std::int64_t> layer_sizes;
  JsonValue manifest;
  if (manifest_text && json_detail::ParseJson(*manifest_text, manifest).ok()) {
    if (const JsonValue* layers = manifest.Find("layers"))
      for (const JsonValue& l : layers->items)
        if (const JsonValue* size = l.Find("size"))
          layer_sizes.push_back(std::strtoll(size->text.c_str(), nullptr, 10));
  }
  if (history) {
    for (const JsonValue& h : history->items) {
      const JsonValue* created = h.Find("created");
      const JsonValue* by = h.Find("created_by");
      const JsonValue* comment = h.Find("comment");
      const JsonValue* empty = h.Find("empty_layer");
      std::int64_t when = 0;
      if (created && created->is_string())
        if (Result<detail::GoTime> t = detail::ParseGoRfc3339(created->text)) when = t->unix_seconds;
      std::int64_t size = 0;
      if (!(empty && empty->boolean)) {
        if (layer < layer_sizes.size()) size = layer_sizes[layer];
        ++layer;
      }
      rows.push_back(JsonObject()
                         .Int("Created", when)
                         .Str("CreatedBy", by && by->is_string() ? by->text : "")
                         .Str("Id", "<missing>")
                         .Int("Size", size)
                         .Str("Comment", comment && comment->is_string() ? comment->text : "")
                         .Raw("Tags", "null")
                         .Done());
    }
  }
  std::reverse(rows.begin(), rows.end());
  if (rows.empty()) {
    rows.push_back(JsonObject()
                       .Int("Created", config.created)
                       .Str("CreatedBy", "")
                       .Str("Id", image->id)
                       .Int("Size", image->size)
                       .Str("Comment", "")
                       .Raw("Tags", StringArray(tags, true))
                       .Done());
  } else {
    // The top entry names the image.
    std::string& top = rows.front();
    const std::string missing = "\"Id\":\"<missing>\"";
    top.replace(top.find(missing), missing.size(), "\"Id\":\"" + image->id + "\"");
    const std::string no_tags = "\"Tags\":null";
    top.replace(top.find(no_tags), no_tags.size(), "\"Tags\":" + StringArray(tags, true));
  }
  std::string out = "[";
  for (std::size_t i = 0; i < rows.size(); ++i) out += (i ? "," : "") + rows[i];
  return JsonResponse(200, out + "]");
}

EngineResponse ImageTagRoute(const Context& c, const std::string& name, const detail::QueryValues& query) {
  const std::string repo = QueryValue(query, "repo");
  const std::string tag = QueryValue(query, "tag");
  if (repo.empty())
    return ErrorResponse(Error(ErrorKind::kInvalidParameter, "repository name must have at least one component"),
                         c.api_version);
  Result<Reference> ref = ParseNormalizedNamed(repo);
  if (!ref) return ErrorResponse(Error(ErrorKind::kInvalidParameter, ref.error().message()), c.api_version);
  if (ref->has_digest()) {
    return ErrorResponse(Error(ErrorKind::kInvalidParameter, "refusing to create a tag with a digest reference"),
                         c.api_version);
  }
  Reference target = *ref;
  if (!tag.empty()) {
    Result<Reference> tagged = WithTag(TrimNamed(*ref), tag);
    if (!tagged) return ErrorResponse(Error(ErrorKind::kInvalidParameter, tagged.error().message()), c.api_version);
    target = *tagged;
  }
  if (Status s = c.images->Tag(name, TagNameOnly(target)); !s.ok()) return ErrorResponse(s.error(), c.api_version);
  EngineResponse r;
  r.status = 201;
  return r;
}

EngineResponse ImageDeleteRoute(const Context& c, const std::string& name, const detail::QueryValues& query) {
  Result<std::vector<ImageDeleteItem>> removed =
      c.images->Remove(name, QueryBool(query, "force"), QueryBool(query, "noprune"));
  if (!removed) return ErrorResponse(removed.error(), c.api_version);
  std::string out = "[";
  for (std::size_t i = 0; i < removed->size(); ++i) {
    const ImageDeleteItem& item = (*removed)[i];
    out += (i ? "," : "") + (item.deleted.empty() ? JsonObject().Str("Untagged", item.untagged).Done()
                                                  : JsonObject().Str("Deleted", item.deleted).Done());
  }
  return JsonResponse(200, out + "]");
}

EngineResponse ImagePruneRoute(const Context& c, const detail::QueryValues& query) {
  Result<ImageFilters> filters = ParseImageFilters(c, QueryValue(query, "filters"), true);
  if (!filters) return ErrorResponse(filters.error(), c.api_version);
  const bool dangling_only = filters->dangling.value_or(true);
  Result<ImagePruneReport> report = c.images->Prune(dangling_only, [&](const StoredImage& image) {
    ImageConfig config = ConfigOf(c, image);
    if (!LabelsMatch(*filters, config)) return true;
    return filters->until && config.created >= *filters->until;
  });
  if (!report) return ErrorResponse(report.error(), c.api_version);
  std::string deleted = "null";
  if (!report->deleted.empty()) {
    deleted = "[";
    for (std::size_t i = 0; i < report->deleted.size(); ++i) {
      const ImageDeleteItem& item = report->deleted[i];
      deleted += (i ? "," : "") + (item.deleted.empty() ? JsonObject().Str("Untagged", item.untagged).Done()
                                                        : JsonObject().Str("Deleted", item.deleted).Done());
    }
    deleted += "]";
  }
  return JsonResponse(200, JsonObject()
                               .Raw("ImagesDeleted", deleted)
                               .Int("SpaceReclaimed", static_cast<long long>(report->space_reclaimed))
                               .Done());
}

}  // namespace berth::engine

#include "image_commands.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>

#include "berth/reference.h"
#include "json_message_view.h"
#include "output.h"
#include "progress_view.h"

namespace berth::cli {

namespace {

// Whether stdout is a terminal, and how wide.
JsonMessageView StdoutView() {
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  winsize size{};
  const int columns = terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 80;
  return JsonMessageView(stdout, terminal, columns);
}

int PrintError(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  return 1;
}

// Stored credentials for the reference's registry: a null store (no
// config.json) pulls without.
struct Credentials {
  std::vector<std::string> warnings;
  std::unique_ptr<CredentialStore> store;
};

Result<Credentials> OpenCredentials(const std::string& config_dir) {
  Credentials c;
  auto store = OpenCredentialStoreForReading(config_dir, c.warnings);
  if (!store) return store.error();
  c.store = std::move(*store);
  for (const std::string& w : c.warnings) std::fprintf(stderr, "%s\n", w.c_str());
  return c;
}

// The CLI prints "Using default tag: latest" for a name without tag or
// digest (not with -a or -q).
bool NeedsDefaultTag(const std::string& reference) {
  Result<Reference> ref = ParseNormalizedNamed(reference);
  return ref && ref->tag().empty() && ref->digest().empty();
}

// units.HumanDuration, as `docker images` shows CREATED.
std::string HumanDuration(std::int64_t seconds) {
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return std::to_string(seconds) + " seconds";
  const std::int64_t minutes = seconds / 60, hours = minutes / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return std::to_string(minutes) + " minutes";
  if (hours == 1) return "About an hour";
  if (hours < 48) return std::to_string(hours) + " hours";
  if (hours < 24 * 7 * 2) return std::to_string(hours / 24) + " days";
  if (hours < 24 * 30 * 2) return std::to_string(hours / 24 / 7) + " weeks";
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24 / 30) + " months";
  return std::to_string(hours / 24 / 365) + " years";
}

// The 12 hex digits of an ID, unless no_trunc.
std::string ShownId(const std::string& id, bool no_trunc) {
  return no_trunc ? id : ShortId(id);
}

// A table as Go's tabwriter lays out docker's: cells padded by 3, at
// least 10 wide (tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)).
std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], row[i].size());
    }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(std::max<std::size_t>(widths[i] + 3, 10) - row[i].size(), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!out.empty()) out += "\n";
    out += line;
  }
  return out;
}

}  // namespace

int PullThroughEngine(const EngineClientOptions& engine_options, const PullArgs& args, const std::string& config_dir) {
  if (args.all_tags && !NeedsDefaultTag(args.reference) && ParseNormalizedNamed(args.reference)) {
    return PrintError("tag can't be used with --all-tags/-a");
  }
  Result<Reference> ref = ParseNormalizedNamed(args.reference);
  if (!ref) return PrintError(ref.error().message());
  auto engine = EngineClient::Create(engine_options);
  if (!engine) return PrintError(engine.error().message());
  Result<Credentials> credentials = OpenCredentials(config_dir);
  if (!credentials) return PrintError(credentials.error().message());
  std::string shown = ref->String();
  if (NeedsDefaultTag(args.reference) && !args.all_tags) {
    if (!args.quiet) std::printf("Using default tag: latest\n");
    shown += ":latest";
  }
  std::fflush(stdout);
  JsonMessageView view = StdoutView();
  auto show = [&](const JsonMessage& m) {
    if (!args.quiet) view.Show(m);
  };
  EngineImagePullOptions options{.all_tags = args.all_tags, .platform = args.platform, .privilege = {}};
  Status pulled = credentials->store ? (*engine)->ImagePull(args.reference, options, *credentials->store, show)
                                     : (*engine)->ImagePull(args.reference, options, AuthConfig{}, show);
  if (!pulled.ok()) return PrintError(pulled.message());
  std::printf("%s\n", shown.c_str());
  return 0;
}

int PushThroughEngine(const EngineClientOptions& engine_options, const PushArgs& args, const std::string& config_dir) {
  Result<Reference> ref = ParseNormalizedNamed(args.reference);
  if (!ref) return PrintError(ref.error().message());
  auto engine = EngineClient::Create(engine_options);
  if (!engine) return PrintError(engine.error().message());
  Result<Credentials> credentials = OpenCredentials(config_dir);
  if (!credentials) return PrintError(credentials.error().message());
  std::string shown = ref->String();
  if (NeedsDefaultTag(args.reference) && !args.all_tags) {
    if (!args.quiet) std::printf("Using default tag: latest\n");
    shown += ":latest";
  }
  std::fflush(stdout);
  JsonMessageView view = StdoutView();
  auto show = [&](const JsonMessage& m) {
    if (!args.quiet) view.Show(m);
  };
  EngineImagePushOptions options{.all_tags = args.all_tags, .privilege = {}};
  Status pushed = credentials->store ? (*engine)->ImagePush(args.reference, options, *credentials->store, show)
                                     : (*engine)->ImagePush(args.reference, options, AuthConfig{}, show);
  if (!pushed.ok()) return PrintError(pushed.message());
  if (args.quiet) std::printf("%s\n", shown.c_str());
  return 0;
}

CommandOutput ImagesThroughEngine(const EngineClientOptions& engine_options, const ImagesArgs& args) {
  Result<std::map<std::string, std::set<std::string>>> filters = ParseFilterFlags(args.filters);
  if (!filters) return Failure(filters.error().message());
  if (!args.repository.empty()) (*filters)["reference"].insert(args.repository);
  auto engine = EngineClient::Create(engine_options);
  if (!engine) return Failure(engine.error().message());
  Result<std::vector<ImageSummary>> images = (*engine)->ImageList(args.all, *filters);
  if (!images) return Failure(images.error().message());
  if (args.quiet) {
    std::string out;
    std::set<std::string> seen;
    for (const ImageSummary& image : *images) {
      if (!seen.insert(image.id).second) continue;
      if (!out.empty()) out += "\n";
      out += ShownId(image.id, args.no_trunc);
    }
    return {out, "", 0};
  }
  std::vector<std::vector<std::string>> rows;
  if (args.digests) {
    rows.push_back({"REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"});
  } else {
    rows.push_back({"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"});
  }
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  for (const ImageSummary& image : *images) {
    const std::string id = ShownId(image.id, args.no_trunc);
    const std::string created = HumanDuration(now - image.created) + " ago";
    const std::string size = HumanSize(image.size);
    // One row per tag; an image without tags is <none> <none>.
    std::vector<std::pair<std::string, std::string>> names;
    for (const std::string& t : image.repo_tags) {
      const std::size_t colon = t.rfind(':');
      names.emplace_back(t.substr(0, colon), colon == std::string::npos ? "<none>" : t.substr(colon + 1));
    }
    if (names.empty()) {
      std::string repo = "<none>";
      if (!image.repo_digests.empty()) repo = image.repo_digests[0].substr(0, image.repo_digests[0].find('@'));
      names.emplace_back(repo, "<none>");
    }
    for (const auto& [repo, tag] : names) {
      std::string digest = "<none>";
      for (const std::string& d : image.repo_digests)
        if (d.rfind(repo + "@", 0) == 0) digest = d.substr(repo.size() + 1);
      if (args.digests) {
        rows.push_back({repo, tag, digest, id, created, size});
      } else {
        rows.push_back({repo, tag, id, created, size});
      }
    }
  }
  return {Table(rows), "", 0};
}

CommandOutput TagThroughEngine(const EngineClientOptions& engine_options, const std::string& source,
                               const std::string& target) {
  auto engine = EngineClient::Create(engine_options);
  if (!engine) return Failure(engine.error().message());
  if (Status tagged = (*engine)->ImageTag(source, target); !tagged.ok()) return Failure(tagged.message());
  return {"", "", 0};
}

CommandOutput RmiThroughEngine(const EngineClientOptions& engine_options, const std::vector<std::string>& names,
                               bool force, bool no_prune) {
  auto engine = EngineClient::Create(engine_options);
  if (!engine) return Failure(engine.error().message());
  CommandOutput out;
  std::vector<std::string> errors;
  for (const std::string& name : names) {
    Result<std::vector<ImageDeleteItem>> removed = (*engine)->ImageRemove(name, force, !no_prune);
    if (!removed) {
      errors.push_back(removed.error().message());
      continue;
    }
    for (const ImageDeleteItem& item : *removed) {
      if (!out.out.empty()) out.out += "\n";
      out.out += item.deleted.empty() ? "Untagged: " + item.untagged : "Deleted: " + item.deleted;
    }
  }
  if (!errors.empty()) {
    out.err = Joined(errors);
    out.exit_code = 1;
  }
  return out;
}

int SaveThroughEngine(const EngineClientOptions& engine_options, const std::vector<std::string>& names,
                      const std::string& output) {
  if (output.empty() && ::isatty(STDOUT_FILENO) == 1) {
    return PrintError("cowardly refusing to save to a terminal. Use the -o flag or redirect");
  }
  auto engine = EngineClient::Create(engine_options);
  if (!engine) return PrintError(engine.error().message());
  // A file is written beside its destination and renamed when whole: a
  // failed save leaves nothing that looks like an archive.
  const std::string partial = output.empty() ? "" : output + ".partial";
  std::FILE* out = output.empty() ? stdout : std::fopen(partial.c_str(), "wb");
  if (!out) return PrintError("failed to save image: open " + partial + ": " + std::strerror(errno));
  Status saved = (*engine)->ImageSave(names, [out](std::string_view bytes) -> Status {
    if (std::fwrite(bytes.data(), 1, bytes.size(), out) != bytes.size()) {
      return Error(ErrorKind::kSystem, std::string("write: ") + std::strerror(errno));
    }
    return {};
  });
  if (output.empty()) {
    std::fflush(stdout);
    return saved.ok() ? 0 : PrintError(saved.message());
  }
  const bool closed = std::fclose(out) == 0;
  if (!saved.ok() || !closed) {
    std::remove(partial.c_str());
    return PrintError(saved.ok() ? "failed to save image: write " + output : saved.message());
  }
  if (std::rename(partial.c_str(), output.c_str()) != 0) {
    std::remove(partial.c_str());
    return PrintError("failed to save image: rename " + output + ": " + std::strerror(errno));
  }
  return 0;
}

int LoadThroughEngine(const EngineClientOptions& engine_options, const std::string& input, bool quiet) {
  if (input.empty() && ::isatty(STDIN_FILENO) == 1) {
    return PrintError("requested load from stdin, but stdin is empty");
  }
  std::FILE* in = input.empty() ? stdin : std::fopen(input.c_str(), "rb");
  if (!in) return PrintError("open " + input + ": " + std::strerror(errno));
  auto engine = EngineClient::Create(engine_options);
  if (!engine) {
    if (in != stdin) std::fclose(in);
    return PrintError(engine.error().message());
  }
  JsonMessageView view = StdoutView();
  Status loaded = (*engine)->ImageLoad(
      [in](char* buffer, std::size_t capacity) -> Result<std::size_t> {
        std::size_t n = std::fread(buffer, 1, capacity, in);
        if (n == 0 && std::ferror(in)) return Error(ErrorKind::kSystem, std::string("read: ") + std::strerror(errno));
        return n;
      },
      quiet, [&view](const JsonMessage& m) { view.Show(m); });
  if (in != stdin) std::fclose(in);
  if (!loaded.ok()) return PrintError(loaded.message());
  return 0;
}

}  // namespace berth::cli

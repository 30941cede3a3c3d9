// `berth pull|push|images|tag|rmi|save|load`: the docker CLI's image
// commands through an Engine (berthd or dockerd, -H or $DOCKER_HOST), with
// its output: pull and push streams shown as docker shows them
// (json_message_view.h), its tables and its messages.
#ifndef BERTH_TOOLS_BERTH_IMAGE_COMMANDS_H_
#define BERTH_TOOLS_BERTH_IMAGE_COMMANDS_H_

#include <string>
#include <vector>

#include "berth/engine_client.h"
#include "commands.h"

namespace berth::cli {

struct PullArgs {
  std::string reference;
  bool all_tags = false, quiet = false;
  std::string platform;
};
struct PushArgs {
  std::string reference;
  bool all_tags = false, quiet = false;
};
struct ImagesArgs {
  std::string repository;  // [REPOSITORY[:TAG]]: the reference filter
  bool all = false, quiet = false, digests = false, no_trunc = false;
  std::vector<std::string> filters;  // KEY=VALUE
};

// Pull and push print as they go (stdout, the stream; stderr, the error)
// and return the exit code; credentials are the stored ones for the
// reference's registry (config_dir: --config, $DOCKER_CONFIG, ~/.docker).
int PullThroughEngine(const EngineClientOptions& engine, const PullArgs& args, const std::string& config_dir);
int PushThroughEngine(const EngineClientOptions& engine, const PushArgs& args, const std::string& config_dir);
// docker images' table (REPOSITORY TAG [DIGEST] IMAGE ID CREATED SIZE), or
// the IDs with -q.
CommandOutput ImagesThroughEngine(const EngineClientOptions& engine, const ImagesArgs& args);
CommandOutput TagThroughEngine(const EngineClientOptions& engine, const std::string& source, const std::string& target);
// "Untagged: …" and "Deleted: …" lines; each name's error on stderr, exit 1
// when any failed (docker goes on with the other names).
CommandOutput RmiThroughEngine(const EngineClientOptions& engine, const std::vector<std::string>& names, bool force,
                               bool no_prune);
// The tar to `output` ("" : stdout, refused on a terminal as docker does).
int SaveThroughEngine(const EngineClientOptions& engine, const std::vector<std::string>& names,
                      const std::string& output);
// The tar from `input` ("" : stdin, refused on a terminal).
int LoadThroughEngine(const EngineClientOptions& engine, const std::string& input, bool quiet);

}  // namespace berth::cli

#endif  // BERTH_TOOLS_BERTH_IMAGE_COMMANDS_H_

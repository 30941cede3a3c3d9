// The flags of `berth pull|push|images|tag|rmi|save|load`, the docker CLI's
// image commands through an Engine (image_commands.h).
#include <memory>

#include "cli_context.h"
#include "image_commands.h"
#include "subcommands.h"

namespace berth::cli {

namespace {

constexpr const char* kThrough = " (through an Engine: -H or $DOCKER_HOST, else unix:///var/run/docker.sock)";

}  // namespace

void NewImageCommands(CLI::App& app, CliContext& cli) {
  auto pull = std::make_shared<PullArgs>();
  CLI::App* cmd = app.add_subcommand("pull", std::string("Pull an image as `docker pull` does") + kThrough);
  cmd->add_option("NAME", pull->reference, "NAME[:TAG|@DIGEST]")->required();
  cmd->add_flag("-a,--all-tags", pull->all_tags, "every tag of the repository");
  cmd->add_flag("-q,--quiet", pull->quiet, "print only the image's name");
  cmd->add_option("--platform", pull->platform, "os[/arch[/variant]]");
  auto pull_config = std::make_shared<std::string>();
  cmd->add_option("--config", *pull_config, "the docker CLI's configuration directory (credentials)");
  cmd->callback([&cli, pull, pull_config] {
    std::optional<EngineClientOptions> engine = cli.EngineOptions();
    cli.exit_code = engine ? PullThroughEngine(*engine, *pull, cli.ConfigDir(*pull_config)) : 1;
  });

  auto push = std::make_shared<PushArgs>();
  cmd = app.add_subcommand("push", std::string("Push an image as `docker push` does") + kThrough);
  cmd->add_option("NAME", push->reference, "NAME[:TAG]")->required();
  cmd->add_flag("-a,--all-tags", push->all_tags, "every local tag of the repository");
  cmd->add_flag("-q,--quiet", push->quiet, "print only the image's name");
  auto push_config = std::make_shared<std::string>();
  cmd->add_option("--config", *push_config, "the docker CLI's configuration directory (credentials)");
  cmd->callback([&cli, push, push_config] {
    std::optional<EngineClientOptions> engine = cli.EngineOptions();
    cli.exit_code = engine ? PushThroughEngine(*engine, *push, cli.ConfigDir(*push_config)) : 1;
  });

  auto images = std::make_shared<ImagesArgs>();
  cmd = app.add_subcommand("images", std::string("List images as `docker images` does") + kThrough);
  cmd->add_option("REPOSITORY", images->repository, "REPOSITORY[:TAG]");
  cmd->add_flag("-a,--all", images->all, "intermediate images too");
  cmd->add_flag("-q,--quiet", images->quiet, "only IDs");
  cmd->add_flag("--digests", images->digests, "show digests");
  cmd->add_flag("--no-trunc", images->no_trunc, "whole IDs");
  cmd->add_option("-f,--filter", images->filters, "KEY=VALUE (reference, dangling, label, before, since, until)");
  cmd->callback([&cli, images] {
    std::optional<EngineClientOptions> engine = cli.EngineOptions();
    cli.exit_code = engine ? Emit(ImagesThroughEngine(*engine, *images)) : 1;
  });

  auto tag = std::make_shared<std::pair<std::string, std::string>>();
  cmd = app.add_subcommand("tag", std::string("Name an image as `docker tag` does") + kThrough);
  cmd->add_option("SOURCE", tag->first, "SOURCE_IMAGE[:TAG]")->required();
  cmd->add_option("TARGET", tag->second, "TARGET_IMAGE[:TAG]")->required();
  cmd->callback([&cli, tag] {
    std::optional<EngineClientOptions> engine = cli.EngineOptions();
    cli.exit_code = engine ? Emit(TagThroughEngine(*engine, tag->first, tag->second)) : 1;
  });

  struct RmiArgs {
    std::vector<std::string> names;
    bool force = false, no_prune = false;
  };
  auto rmi = std::make_shared<RmiArgs>();
  cmd = app.add_subcommand("rmi", std::string("Remove images as `docker rmi` does") + kThrough);
  cmd->add_option("IMAGE", rmi->names, "images to remove")->required();
  cmd->add_flag("-f,--force", rmi->force, "remove even when several repositories name it");
  cmd->add_flag("--no-prune", rmi->no_prune, "keep untagged parents");
  cmd->callback([&cli, rmi] {
    std::optional<EngineClientOptions> engine = cli.EngineOptions();
    cli.exit_code = engine ? Emit(RmiThroughEngine(*engine, rmi->names, rmi->force, rmi->no_prune)) : 1;
  });

  struct SaveArgs {
    std::vector<std::string> names;
    std::string output;
  };
  auto save = std::make_shared<SaveArgs>();
  cmd = app.add_subcommand("save", std::string("Save images to a tar as `docker save` does") + kThrough);
  cmd->add_option("IMAGE", save->names, "images to save")->required();
  cmd->add_option("-o,--output", save->output, "write to this file instead of standard output");
  cmd->callback([&cli, save] {
    std::optional<EngineClientOptions> engine = cli.EngineOptions();
    cli.exit_code = engine ? SaveThroughEngine(*engine, save->names, save->output) : 1;
  });

  struct LoadArgs {
    std::string input;
    bool quiet = false;
  };
  auto load = std::make_shared<LoadArgs>();
  cmd = app.add_subcommand("load", std::string("Load images from a tar as `docker load` does") + kThrough);
  cmd->add_option("-i,--input", load->input, "read from this file instead of standard input");
  cmd->add_flag("-q,--quiet", load->quiet, "no progress");
  cmd->callback([&cli, load] {
    std::optional<EngineClientOptions> engine = cli.EngineOptions();
    cli.exit_code = engine ? LoadThroughEngine(*engine, load->input, load->quiet) : 1;
  });
}

}  // namespace berth::cli

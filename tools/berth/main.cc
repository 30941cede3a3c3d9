// berth — the command-line face of the library: docker's global flags, then
// one subcommand (subcommands.h declares each; commands.h does the work).
#include <CLI/CLI.hpp>
#include <string>

#include "berth/version.h"
#include "cli_context.h"
#include "subcommands.h"

int main(int argc, char** argv) {
  CLI::App app{"berth: the Docker Engine's registry subsystem, natively"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("berth ") + BERTH_VERSION);
  app.fallthrough();

  berth::cli::CliContext cli;
  cli.AddGlobalFlags(app);
  berth::cli::NewAuthCommand(app, cli);
  berth::cli::NewJsonCommand(app, cli);
  berth::cli::NewRefCommand(app, cli);
  berth::cli::NewConfigCommand(app, cli);
  berth::cli::NewEndpointsCommand(app, cli);
  berth::cli::NewPingCommand(app, cli);
  berth::cli::NewLoginCommand(app, cli);
  berth::cli::NewLogoutCommand(app, cli);
  berth::cli::NewSearchCommand(app, cli);
  berth::cli::NewInspectCommand(app, cli);
  berth::cli::NewCopyCommand(app, cli);
  berth::cli::NewTagsCommand(app, cli);
  berth::cli::NewManifestCommand(app, cli);
  berth::cli::NewInfoCommand(app, cli);
  berth::cli::NewImageCommands(app, cli);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  return cli.exit_code;
}

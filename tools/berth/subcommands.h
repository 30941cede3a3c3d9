// `berth`'s subcommands, one New…Command each (as the docker CLI's
// NewSearchCommand): it declares the subcommand's options and runs it with
// them. The work itself is in commands.h.
#ifndef BERTH_TOOLS_BERTH_SUBCOMMANDS_H_
#define BERTH_TOOLS_BERTH_SUBCOMMANDS_H_

#include <CLI/CLI.hpp>

#include "cli_context.h"

namespace berth::cli {

void NewAuthCommand(CLI::App& app, CliContext& cli);       // auth encode|decode
void NewJsonCommand(CLI::App& app, CliContext& cli);       // json TYPE [PAYLOAD]
void NewRefCommand(CLI::App& app, CliContext& cli);        // ref REFERENCE
void NewConfigCommand(CLI::App& app, CliContext& cli);     // config
void NewEndpointsCommand(CLI::App& app, CliContext& cli);  // endpoints TARGET
void NewPingCommand(CLI::App& app, CliContext& cli);       // ping TARGET
void NewLoginCommand(CLI::App& app, CliContext& cli);      // login [SERVER]
void NewLogoutCommand(CLI::App& app, CliContext& cli);     // logout [SERVER]
void NewSearchCommand(CLI::App& app, CliContext& cli);     // search TERM
void NewInspectCommand(CLI::App& app, CliContext& cli);    // inspect REFERENCE...
void NewCopyCommand(CLI::App& app, CliContext& cli);       // copy SOURCE DESTINATION
void NewTagsCommand(CLI::App& app, CliContext& cli);       // tags REPOSITORY
void NewManifestCommand(CLI::App& app, CliContext& cli);   // manifest IMAGE
void NewInfoCommand(CLI::App& app, CliContext& cli);       // info
void NewImageCommands(CLI::App& app, CliContext& cli);     // pull, push, images, tag, rmi, save, load

}  // namespace berth::cli

#endif  // BERTH_TOOLS_BERTH_SUBCOMMANDS_H_

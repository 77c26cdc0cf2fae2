#pragma once
// Kbuild writes .mod and modules.order with two fixed shell pipelines (identical in 5.19..7.2):
//   printf '%s\n' <objects> | awk '!x[$0]++ { print("<obj>/"$0) }' > <target>      (<module>.mod)
//   { echo <module>; cat <sub>/modules.order; ... :; } > <target>                  (modules.order)
// Running them costs a shell and awk per plan (about 2 ms of a 15 ms plan). This evaluates exactly these texts,
// character for character, and declines anything else, which the caller then runs with the shell.

#include <functional>
#include <optional>
#include <string>

namespace srcver::kbuild_shim {

struct ListCommand {
  std::string target;  // the file the command writes (after its final '>')
  std::string content; // what the shell would write there
};

// `read_file` gives the content of a file a `cat` names (nullopt: unknown, then the command is declined).
std::optional<ListCommand>
evaluate_list_command(const std::string& command,
                      const std::function<std::optional<std::string>(const std::string&)>& read_file);

} // namespace srcver::kbuild_shim

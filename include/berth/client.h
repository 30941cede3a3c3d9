// The registry client: talks to the endpoints RegistryService chooses.
// (Grows with issue 4: login, search, distribution inspect.)
#ifndef BERTH_CLIENT_H_
#define BERTH_CLIENT_H_

#include <string>
#include <vector>

#include "berth/challenge.h"
#include "berth/error.h"
#include "berth/registry_service.h"

namespace berth {

struct PingResult {
  long status = 0;  // the Engine accepts any status from a v2 ping
  std::string api_version;  // Docker-Distribution-API-Version, e.g. "registry/2.0"
  std::vector<Challenge> challenges;  // from a 401 only
};

// GET <endpoint>/v2/ (or <url>/ with override_path), 15 s timeout, TLS as
// the endpoint says. kSystem (`Get "URL": …`) when it cannot be reached.
Result<PingResult> PingRegistry(const Endpoint& endpoint);

}  // namespace berth

#endif  // BERTH_CLIENT_H_

// How EngineClient reads an Engine's answers, apart from the transport (so
// the fuzz target reads them as the client does). Private to the library.
#ifndef BERTH_SRC_ENGINE_CLIENT_ANSWERS_H_
#define BERTH_SRC_ENGINE_CLIENT_ANSWERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "berth/engine_client.h"
#include "berth/error.h"
#include "berth/types.h"

namespace berth::engine_client {

// An answer's status line and body, and the version it was asked with.
struct Answer {
  long status = 0;
  std::string_view reason;        // "Not Found"
  std::string_view content_type;  // as sent
  std::string_view body;
  std::string_view api_version;  // "" before negotiation
  std::string_view url;          // for the SDK's "check if the server supports…" text
};

// The Go SDK's checkResponseErr: nothing for 2xx/3xx; else "Error response
// from daemon: <message>" (the JSON `message`, or the text body below API
// 1.24) with the kind of the status.
Status CheckAnswer(const Answer& answer);

Result<EngineVersion> ReadVersion(std::string body);
Result<EngineInfo> ReadInfo(std::string body);
Result<AuthenticateOKBody> ReadLogin(std::string_view body);
Result<std::vector<SearchResult>> ReadSearchResults(std::string_view body);
Result<DistributionInspect> ReadDistributionInspect(std::string_view body);

}  // namespace berth::engine_client

#endif  // BERTH_SRC_ENGINE_CLIENT_ANSWERS_H_

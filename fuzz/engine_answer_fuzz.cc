// What an Engine answers berth::EngineClient, read as the client reads it:
// every route's JSON, error answers (JSON and text, any status), and -H
// values. Any bytes: no crash, and every error has the SDK's prefix.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine_client/answers.h"
#include "engine_client/engine_host.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  namespace ec = berth::engine_client;
  (void)ec::ReadVersion(body);
  (void)ec::ReadInfo(body);
  (void)ec::ReadLogin(body);
  (void)ec::ReadSearchResults(body);
  (void)ec::ReadDistributionInspect(body);
  (void)ec::ParseEngineHost(body, size % 2 == 0);
  for (const char* content_type : {"application/json", "text/plain; charset=utf-8"}) {
    for (long status : {200L, 404L, 429L, 500L}) {
      berth::Status s = ec::CheckAnswer({status, "Status", content_type, body, size % 3 ? "1.44" : "1.23", "u"});
      if (status == 200 && !s.ok()) std::abort();
      if (status != 200) {
        if (s.ok()) std::abort();
        const std::string& m = s.message();
        if (m.rfind("Error response from daemon: ", 0) != 0 && m.rfind("request returned ", 0) != 0 &&
            m.rfind("Error reading JSON: ", 0) != 0) {
          std::abort();
        }
      }
    }
  }
  return 0;
}

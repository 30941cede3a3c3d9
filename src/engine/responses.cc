// What the route handlers share: the Engine's JSON and error responses,
// and reading query values as its httputils does.
#include <cctype>

#include "engine/routes.h"
#include "json/writer.h"

namespace berth::engine {

EngineResponse JsonResponse(int status, std::string json) {
  EngineResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(json);
  r.body += '\n';
  return r;
}

EngineResponse ErrorResponse(const Error& error, std::string_view api_version) {
  const int status = HttpStatusOf(error.kind());
  EngineResponse r;
  if (!api_version.empty() && detail::CompareApiVersions(api_version, "1.23") <= 0) {
    r.status = status;
    r.headers = {{"Content-Type", "text/plain; charset=utf-8"}, {"X-Content-Type-Options", "nosniff"}};
    r.body = error.message() + "\n";
  } else {
    json_detail::Writer w(/*escape_html=*/false, error.message().size() + 16);
    w.String(error.message());
    r = JsonResponse(status, "{\"message\":" + std::string(w.data(), w.size()) + "}");
  }
  r.error = error.message();
  return r;
}

std::string QueryValue(const detail::QueryValues& query, const char* key) {
  auto it = query.find(key);
  return it == query.end() || it->second.empty() ? std::string() : it->second.front();
}

bool QueryBool(const detail::QueryValues& query, const char* key) {
  std::string v = QueryValue(query, key);
  std::size_t start = v.find_first_not_of(" \t\r\n");
  std::size_t end = v.find_last_not_of(" \t\r\n");
  v = start == std::string::npos ? std::string() : v.substr(start, end - start + 1);
  for (char& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return !(v.empty() || v == "0" || v == "no" || v == "false" || v == "none");
}

}  // namespace berth::engine

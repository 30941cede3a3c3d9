#include "registry/transport.h"

#include <ctime>
#include <thread>

#include "internal/ascii.h"
#include "registry/urls.h"

namespace berth::registry {

void SetHeader(http::Request& request, const std::string& name, const std::string& value) {
  for (auto& [n, v] : request.headers) {
    if (detail::EqualsIgnoreAsciiCase(n, name)) {
      v = value;
      return;
    }
  }
  request.headers.emplace_back(name, value);
}

void RemoveHeader(http::Request& request, const std::string& name) {
  std::erase_if(request.headers, [&](const auto& h) { return detail::EqualsIgnoreAsciiCase(h.first, name); });
}

Transport::Transport(RetryPolicy retry, TlsLookup tls_for_host)
    : retry_(retry), tls_for_host_(std::move(tls_for_host)) {}

std::unique_ptr<http::HttpClient> Transport::Acquire() {
  std::lock_guard lock(mu_);
  if (idle_.empty()) return std::make_unique<http::HttpClient>();
  std::unique_ptr<http::HttpClient> client = std::move(idle_.back());
  idle_.pop_back();
  return client;
}

void Transport::Release(std::unique_ptr<http::HttpClient> client) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(client));
}

void Transport::Report(const Attempt& attempt) const {
  for (TransportObserver* observer : observers_) observer->OnAttempt(attempt);
}

Result<http::Response> Transport::Send(const http::Request& request, Destination destination) {
  std::unique_ptr<http::HttpClient> client = Acquire();
  for (int attempt = 0;; ++attempt) {
    Result<http::Response> response = client->Do(request);
    std::optional<std::chrono::milliseconds> delay;
    // A streamed body cannot be sent twice: its caller starts over.
    if (response && !request.body_reader) {
      delay = retry_.DelayBeforeRetry(attempt, response->status, response->Header("retry-after"), std::time(nullptr));
    }
    Report(Attempt{request, response ? &*response : nullptr, destination, delay.has_value()});
    if (!delay) {
      Release(std::move(client));
      return response;
    }
    std::this_thread::sleep_for(*delay);
  }
}

Result<http::Response> Transport::SendFollowingRedirects(http::Request request, const std::string& authorization,
                                                         const std::string& auth_origin, Destination destination,
                                                         bool* answered) {
  const TlsMaterial* first_tls = request.tls;
  const std::string first_origin = OriginOf(request.url);
  TlsMaterial other_tls;
  for (int hop = 0;; ++hop) {
    if (!authorization.empty() && OriginOf(request.url) == auth_origin) {
      SetHeader(request, "Authorization", authorization);
    } else {
      RemoveHeader(request, "Authorization");
    }
    Result<http::Response> response = Send(request, destination);
    if (answered && response) *answered = true;
    // A streamed body is gone once sent: its redirect is the caller's error.
    if (!response || !IsRedirect(response->status) || hop == 5 || request.body_reader) return response;
    std::string location = response->Header("location");
    if (location.empty()) return response;
    std::string next = ResolveLocation(request.url, location);
    if (OriginOf(next).empty()) return response;
    if (OriginOf(next) == first_origin) {
      request.tls = first_tls;
    } else {
      other_tls = tls_for_host_(HostOf(next));
      request.tls = &other_tls;
    }
    if (response->status == 303 && request.method != "HEAD") {
      request.method = "GET";
      request.body.clear();
    }
    request.url = std::move(next);
  }
}

}  // namespace berth::registry

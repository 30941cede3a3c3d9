// Encodes an AuthConfig and decodes it back through the installed library.
#include <berth/auth_header.h>
#include <berth/json.h>

#include <iostream>

int main() {
  berth::AuthConfig config;
  config.username = "testuser";
  config.password = "testpassword";
  config.server_address = "example.com";
  std::string header = berth::EncodeAuthConfig(config);
  berth::AuthConfigDecoding back = berth::DecodeAuthConfig(header);
  if (!back.status.ok() || !(back.config == config)) return 1;
  std::cout << header << "\n" << berth::Marshal(back.config) << "\n";
  return 0;
}

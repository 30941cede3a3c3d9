// Every public header in one translation unit: names that clash between
// headers (two structs of one name) fail here, at build time.
#include "berth/auth_header.h"
#include "berth/certs.h"
#include "berth/challenge.h"
#include "berth/credentials.h"
#include "berth/daemon_config.h"
#include "berth/engine_api.h"
#include "berth/engine_client.h"
#include "berth/error.h"
#include "berth/hosts_toml.h"
#include "berth/image_store.h"
#include "berth/json.h"
#include "berth/list.h"
#include "berth/net_ipnet.h"
#include "berth/oci.h"
#include "berth/reference.h"
#include "berth/registry_client.h"
#include "berth/registry_service.h"
#include "berth/remote_repository.h"
#include "berth/service_config.h"
#include "berth/transfer.h"
#include "berth/types.h"

#include <gtest/gtest.h>

TEST(PublicHeaders, AllCompileTogether) { SUCCEED(); }

// A registry blob as a BlobReader: a thread fetches it (streamed, verified,
// resumed — RemoteRepository::FetchBlob) into a small bounded buffer that
// the reader drains, so a blob flows from one registry to another (or into
// a file) without being held whole anywhere. Destroying the reader early
// stops the fetch.
#ifndef BERTH_SRC_TRANSFER_BLOB_PIPE_H_
#define BERTH_SRC_TRANSFER_BLOB_PIPE_H_

#include <memory>

#include "berth/remote_repository.h"

namespace berth::transfer {

// Starts fetching `blob` from `repository` (which must outlive the reader);
// the reader returns its bytes, then the fetch's error if it failed (a wrong
// blob's final bytes are never returned).
std::unique_ptr<BlobReader> FetchThroughPipe(RemoteRepository& repository, const Descriptor& blob);

}  // namespace berth::transfer

#endif  // BERTH_SRC_TRANSFER_BLOB_PIPE_H_

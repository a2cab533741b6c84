// TLS for the Asio adapter tests: a self-signed certificate for "localhost" / 127.0.0.1, made at
// run time with OpenSSL's API (a fresh P-256 key each time; no key or certificate is committed),
// and the two boost::asio::ssl contexts that use it: a server context holding the key, and a
// client context that trusts only that certificate and verifies the peer and its host name.
#ifndef FRAMEKIT_TESTS_ASIO_TLS_TESTING_H_
#define FRAMEKIT_TESTS_ASIO_TLS_TESTING_H_

#include <memory>

#include <boost/asio/ssl/context.hpp>

namespace framekit {
namespace asio_testing {

struct TlsContexts {
  std::unique_ptr<boost::asio::ssl::context> server;
  std::unique_ptr<boost::asio::ssl::context> client;
};

// Aborts (with OpenSSL's error) if any step fails: a test cannot go on without them.
TlsContexts MakeSelfSignedTlsContexts();

}  // namespace asio_testing
}  // namespace framekit

#endif  // FRAMEKIT_TESTS_ASIO_TLS_TESTING_H_

#include "tests/asio/tls_testing.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_mode.hpp>

namespace framekit {
namespace asio_testing {
namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "TLS test setup failed: %s\n", what);
  ERR_print_errors_fp(stderr);
  std::abort();
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct ExtFree {
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};

}  // namespace

TlsContexts MakeSelfSignedTlsContexts() {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
  Check(key != nullptr, "EVP_EC_gen");

  std::unique_ptr<X509, X509Free> cert(X509_new());
  Check(cert != nullptr, "X509_new");
  Check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
  Check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1, "serial");
  Check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore");
  Check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) != nullptr, "notAfter");
  Check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  Check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                                   0) == 1,
        "subject");
  Check(X509_set_issuer_name(cert.get(), name) == 1, "issuer");
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtFree> san(X509V3_EXT_conf_nid(
      nullptr, &v3, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"));
  Check(san != nullptr, "subjectAltName");
  Check(X509_add_ext(cert.get(), san.get(), -1) == 1, "X509_add_ext");
  Check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");

  namespace ssl = boost::asio::ssl;
  TlsContexts out;
  out.server = std::make_unique<ssl::context>(ssl::context::tls_server);
  Check(SSL_CTX_use_certificate(out.server->native_handle(), cert.get()) == 1,
        "SSL_CTX_use_certificate");
  Check(SSL_CTX_use_PrivateKey(out.server->native_handle(), key.get()) == 1,
        "SSL_CTX_use_PrivateKey");
  Check(SSL_CTX_check_private_key(out.server->native_handle()) == 1, "key matches certificate");

  out.client = std::make_unique<ssl::context>(ssl::context::tls_client);
  Check(X509_STORE_add_cert(SSL_CTX_get_cert_store(out.client->native_handle()), cert.get()) == 1,
        "trust the certificate");
  out.client->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  out.client->set_verify_callback(ssl::host_name_verification("localhost"));
  return out;
}

}  // namespace asio_testing
}  // namespace framekit

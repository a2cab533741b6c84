# framekit's source lists for CMake: the one place a file is added, moved or removed on the CMake
# side (Bazel's lists are its BUILD files). Paths are relative to the repository root; a header
# listed here is reachable as "framekit/<path>" in the build tree, and a library's HDRS are
# installed under include/framekit/<dir>/.
#
# //tests/build:sources_test fails when a .cc/.h file is in the Bazel build but not here, or the
# reverse, or on disk in neither; CTest's build/sources_test checks this list against the tree.
#
# Files that move within a library (framing/internal/, a spec/ folder compiled into framing):
# edit only this file. A new library: a FRAMEKIT_<NAME>_SRCS/_HDRS pair here and one
# framekit_library() call in CMakeLists.txt ("Libraries"), plus its name in framekit.pc's Libs
# (cmake/framekit_install.cmake).

# --- Libraries (installed) ------------------------------------------------------------------------

set(FRAMEKIT_VERSION_HDRS
  framekit/version.h
)

# framekit::spec (include "framekit/spec/..."): spec strings, config files, the registry of kinds.
set(FRAMEKIT_SPEC_SRCS
  spec/spec_parser.cc
  spec/spec_registry.cc
  spec/spec_settings.cc
  spec/spec_values.cc
)
set(FRAMEKIT_SPEC_HDRS
  spec/spec_parser.h
  spec/spec_registry.h
  spec/spec_settings.h
  spec/spec_values.h
)

# framekit::coding (include "framekit/coding/..."): wire rules shared by framing and codecs.
set(FRAMEKIT_CODING_HDRS
  coding/varint.h
)

# framekit::framing (include "framekit/framing/..."); internal/ is included by the public headers.
set(FRAMEKIT_FRAMING_SRCS
  framing/ascii_length_framer.cc
  framing/builtin_framers.cc
  framing/byte_buffer.cc
  framing/delimiter_framer.cc
  framing/fixed_length_framer.cc
  framing/framer.cc
  framing/framer_registry.cc
  framing/framer_spec.cc
  framing/framing_errors.cc
  framing/length_header_framer.cc
  framing/netstring_framer.cc
  framing/internal/copy.cc
)
set(FRAMEKIT_FRAMING_HDRS
  framing/ascii_length_decoder.h
  framing/ascii_length_framer.h
  framing/byte_buffer.h
  framing/decoder.h
  framing/delimiter_decoder.h
  framing/delimiter_framer.h
  framing/fixed_length_decoder.h
  framing/fixed_length_framer.h
  framing/framer.h
  framing/framer_registry.h
  framing/framer_spec.h
  framing/framing_errors.h
  framing/length_header_decoder.h
  framing/length_header_framer.h
  framing/netstring_decoder.h
  framing/netstring_framer.h
  framing/internal/ascii_digits.h
  framing/internal/ascii_length_decoder_inl.h
  framing/internal/ascii_length_inl.h
  framing/internal/copy.h
  framing/internal/delimiter_decoder_inl.h
  framing/internal/delimiter_inl.h
  framing/internal/delimiter_internal.h
  framing/internal/fixed_length_decoder_inl.h
  framing/internal/frame_writer.h
  framing/internal/length_header_decoder_inl.h
  framing/internal/length_header_inl.h
  framing/internal/length_header_internal.h
  framing/internal/netstring_decoder_inl.h
  framing/internal/next_each_decoder.h
  framing/internal/too_long_skipper.h
)

# framekit::transport (include "framekit/transport/..."): sockets, no framing.
set(FRAMEKIT_TRANSPORT_SRCS
  transport/address.cc
  transport/dialer.cc
  transport/errors.cc
  transport/io_ops.cc
  transport/listener.cc
  transport/poller.cc
  transport/socket_fd.cc
  transport/stream_io.cc
  transport/tcp.cc
  transport/unix_socket.cc
)
set(FRAMEKIT_TRANSPORT_HDRS
  transport/address.h
  transport/connected_socket.h
  transport/dialer.h
  transport/errors.h
  transport/io_ops.h
  transport/iovec_cursor.h
  transport/listener.h
  transport/poller.h
  transport/socket_fd.h
  transport/stream_io.h
  transport/tcp.h
  transport/unix_socket.h
)

# framekit::framed_connection: the adapter between framing and transport.
set(FRAMEKIT_FRAMED_CONNECTION_SRCS
  transport/framed_connection.cc
)
set(FRAMEKIT_FRAMED_CONNECTION_HDRS
  transport/framed_connection.h
)

# framekit::codecs (include "framekit/codecs/...")
set(FRAMEKIT_CODECS_SRCS
  codecs/ascii_codec.cc
  codecs/binary_codec.cc
  codecs/builtin_codecs.cc
  codecs/codec_registry.cc
  codecs/codec_support.cc
  codecs/group_varint_codec.cc
  codecs/varint_codec.cc
)
set(FRAMEKIT_CODECS_HDRS
  codecs/ascii_codec.h
  codecs/binary_codec.h
  codecs/codec.h
  codecs/codec_registry.h
  codecs/codec_support.h
  codecs/group_varint_codec.h
  codecs/varint_codec.h
)

# framekit::transforms (include "framekit/transforms/..."): compression by spec and its composition
# with codecs and framers; links libzstd, liblz4, snappy and zlib. internal/ is included by sources.
set(FRAMEKIT_TRANSFORMS_SRCS
  transforms/builtin_transforms.cc
  transforms/deflate_transform.cc
  transforms/internal/stages.cc
  transforms/internal/transform_support.cc
  transforms/lz4_transform.cc
  transforms/snappy_transform.cc
  transforms/transform_registry.cc
  transforms/transformed_codec.cc
  transforms/transformed_framer.cc
  transforms/zstd_transform.cc
)
set(FRAMEKIT_TRANSFORMS_HDRS
  transforms/deflate_transform.h
  transforms/internal/stages.h
  transforms/internal/transform_support.h
  transforms/lz4_transform.h
  transforms/snappy_transform.h
  transforms/transform.h
  transforms/transform_registry.h
  transforms/transformed_codec.h
  transforms/transformed_framer.h
  transforms/zstd_transform.h
)

# framekit::server (include "framekit/server/..."); internal/ headers are private (not installed),
# except connection_state.h, which connection.h includes for its fields.
set(FRAMEKIT_SERVER_SRCS
  server/connection.cc
  server/internal/epoll_loop.cc
  server/internal/event_loop.cc
  server/internal/event_loop.h
  server/internal/inbox.h
  server/internal/uring_loop.cc
  server/internal/uring_ring.cc
  server/internal/uring_ring.h
  server/server.cc
)
set(FRAMEKIT_SERVER_HDRS
  server/connection.h
  server/handler.h
  server/internal/connection_state.h
  server/server.h
)

# --- Tools and examples (FRAMEKIT_BUILD_TOOLS) -----------------------------------------------------

set(FRAMEKIT_FRAMECAT_LIB_SRCS
  tools/framecat/client.cc
  tools/framecat/frame_printer.cc
  tools/framecat/server.cc
)
set(FRAMEKIT_FRAMECAT_LIB_HDRS
  tools/framecat/client.h
  tools/framecat/frame_printer.h
  tools/framecat/server.h
)
set(FRAMEKIT_FRAMECAT_SRCS
  tools/framecat/framecat_main.cc
)
set(FRAMEKIT_ECHO_SERVER_SRCS
  examples/echo_server/echo_server.cc
)

# --- Test helpers and tests (FRAMEKIT_BUILD_TESTS) ------------------------------------------------
# One test executable per *_test.cc, as Bazel's cc_test_per_file; FRAMEKIT_TESTS_<DIR> per folder.

set(FRAMEKIT_TRANSPORT_TESTING_SRCS
  transport/testing/faulty_stream.cc
  transport/testing/faulty_stream.h
)
set(FRAMEKIT_CODEC_TESTING_SRCS
  tests/codecs/testing/codec_test_util.cc
  tests/codecs/testing/codec_test_util.h
)
set(FRAMEKIT_FRAMING_TESTING_SRCS
  tests/framing/testing/decode_helpers.cc
  tests/framing/testing/decode_helpers.h
)
set(FRAMEKIT_TRANSPORT_TEST_UTIL_HDRS
  tests/transport/test_util.h
)
set(FRAMEKIT_FRAMECAT_PROCESS_SRCS
  tests/testing/framecat_process.cc
  tests/testing/framecat_process.h
)
set(FRAMEKIT_SOAK_LIB_SRCS
  tests/soak/swarm.cc
  tests/soak/swarm.h
)

set(FRAMEKIT_TESTS_CODECS
  tests/codecs/ascii_codec_test.cc
  tests/codecs/binary_codec_test.cc
  tests/codecs/codec_registry_test.cc
  tests/codecs/group_varint_codec_test.cc
  tests/codecs/round_trip_test.cc
  tests/codecs/varint_codec_test.cc
)
set(FRAMEKIT_TESTS_TRANSFORMS
  tests/transforms/decompression_bomb_test.cc
  tests/transforms/transform_contract_test.cc
  tests/transforms/transform_registry_test.cc
  tests/transforms/transformed_codec_test.cc
  tests/transforms/transformed_framer_test.cc
  tests/transforms/zstd_transform_test.cc
)
set(FRAMEKIT_TESTS_FRAMING
  tests/framing/ascii_digits_test.cc
  tests/framing/ascii_length_framer_test.cc
  tests/framing/byte_buffer_test.cc
  tests/framing/decoder_move_test.cc
  tests/framing/delimiter_framer_test.cc
  tests/framing/encode_batch_test.cc
  tests/framing/fixed_length_framer_test.cc
  tests/framing/framer_spec_test.cc
  tests/framing/length_header_framer_test.cc
  tests/framing/netstring_framer_test.cc
  tests/framing/next_batch_test.cc
  tests/framing/next_read_size_test.cc
  tests/framing/too_long_skip_test.cc
)
set(FRAMEKIT_TESTS_SPEC
  tests/spec/spec_parser_test.cc
  tests/spec/spec_registry_test.cc
  tests/spec/spec_settings_test.cc
  tests/spec/spec_values_test.cc
)
set(FRAMEKIT_TESTS_CODING
  tests/coding/varint_test.cc
)
set(FRAMEKIT_TESTS_EXAMPLES
  tests/examples/codecs_examples_test.cc
  tests/examples/framing_examples_test.cc
  tests/examples/server_examples_test.cc
  tests/examples/transforms_examples_test.cc
  tests/examples/transport_examples_test.cc
)
set(FRAMEKIT_TESTS_TRANSPORT
  tests/transport/address_test.cc
  tests/transport/errors_test.cc
  tests/transport/framed_connection_test.cc
  tests/transport/iovec_cursor_test.cc
  tests/transport/poller_test.cc
  tests/transport/socket_fd_test.cc
  tests/transport/stream_io_test.cc
  tests/transport/tcp_test.cc
  tests/transport/unix_socket_test.cc
)
set(FRAMEKIT_TESTS_SERVER
  tests/server/server_test.cc
)
# Need the framecat binary (FRAMEKIT_TOOLS too).
set(FRAMEKIT_TESTS_TOOLS
  tests/tools/framecat_test.cc
)
# Unit tests of the encoding comparison's report (FRAMEKIT_BUILD_BENCHMARKS too).
set(FRAMEKIT_TESTS_BENCHMARKS
  tests/benchmarks/progress_test.cc
  tests/benchmarks/summary_test.cc
)
set(FRAMEKIT_TESTS_SOAK
  tests/soak/abuse_soak_test.cc
  tests/soak/descriptor_exhaustion_soak_test.cc
  tests/soak/echo_soak_test.cc
)

# Fuzz targets, replayed on fuzz/corpus/<name>/ as tests (NAME.cc + replay_main.cc).
set(FRAMEKIT_FUZZ_HDRS
  fuzz/fuzz_helpers.h
)
# The decompressor targets, which link framekit::transforms.
set(FRAMEKIT_TRANSFORM_FUZZ_HDRS
  fuzz/transform_fuzz_helpers.h
)
set(FRAMEKIT_TRANSFORM_FUZZERS
  fuzz/deflate_transform_fuzzer.cc
  fuzz/lz4_transform_fuzzer.cc
  fuzz/snappy_transform_fuzzer.cc
  fuzz/zstd_transform_fuzzer.cc
)
set(FRAMEKIT_FUZZ_REPLAY_MAIN
  fuzz/replay_main.cc
)
set(FRAMEKIT_FUZZERS
  fuzz/ascii_codec_fuzzer.cc
  fuzz/ascii_length_fuzzer.cc
  fuzz/binary_codec_fuzzer.cc
  fuzz/delimiter_fuzzer.cc
  fuzz/fixed_fuzzer.cc
  fuzz/group_varint_codec_fuzzer.cc
  fuzz/length_fuzzer.cc
  fuzz/netstring_fuzzer.cc
  fuzz/spec_fuzzer.cc
  fuzz/varint_codec_fuzzer.cc
)

# --- Benchmarks (FRAMEKIT_BUILD_BENCHMARKS) ---------------------------------------------------------

set(FRAMEKIT_BENCH_SUPPORT_SRCS
  benchmarks/cpu_pinning.cc
  benchmarks/cpu_pinning.h
  benchmarks/simulated_reads.h
)
# Header-only; the codec round-trip test uses it too, so it is built with the tests as well.
set(FRAMEKIT_VALUE_DISTRIBUTIONS_HDRS
  benchmarks/encoding/value_distributions.h
)
set(FRAMEKIT_FRAMING_BENCHMARK_SRCS
  benchmarks/framing_benchmark.cc
)
# The encoding comparison's summary and progress display (Bazel: //benchmarks/encoding:report).
set(FRAMEKIT_ENCODING_REPORT_SRCS
  benchmarks/encoding/progress.cc
  benchmarks/encoding/progress.h
  benchmarks/encoding/summary.cc
  benchmarks/encoding/summary.h
)
set(FRAMEKIT_ENCODING_COMPARISON_SRCS
  benchmarks/encoding/asio_comparison.cc
  benchmarks/encoding/asio_comparison.h
  benchmarks/encoding/asio_peer.cc
  benchmarks/encoding/asio_peer.h
  benchmarks/encoding/cells.cc
  benchmarks/encoding/cells.h
  benchmarks/encoding/chart.h
  benchmarks/encoding/comparison_chart.cc
  benchmarks/encoding/comparison_chart.h
  benchmarks/encoding/encoding_comparison.cc
  benchmarks/encoding/encodings.cc
  benchmarks/encoding/encodings.h
  benchmarks/encoding/loopback.cc
  benchmarks/encoding/loopback.h
  benchmarks/encoding/measurements.cc
  benchmarks/encoding/measurements.h
  benchmarks/encoding/pipeline.cc
  benchmarks/encoding/pipeline.h
  benchmarks/encoding/results.h
  benchmarks/encoding/run_mode.h
  benchmarks/encoding/run_reporter.cc
  benchmarks/encoding/run_reporter.h
)
set(FRAMEKIT_SOCKET_BENCHMARK_SRCS
  benchmarks/transport/socket_benchmark.cc
)
set(FRAMEKIT_LOAD_GENERATOR_SRCS
  benchmarks/server/load_generator.cc
)
set(FRAMEKIT_ASIO_ECHO_SERVER_SRCS
  benchmarks/server/asio/asio_echo_server.cc
)

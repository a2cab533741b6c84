#!/usr/bin/env python3
"""Tests of benchmarks/server/floor.py: the perf report it reads, the floor arithmetic, the segment
counter it samples (over a real loopback connection), and its report with failures in it.

  python3 tests/benchmarks/server_floor_test.py [PATH/TO/floor.py]
"""

import os
import socket
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
FLOOR = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(
    HERE, "..", "..", "benchmarks", "server", "floor.py")
sys.path.insert(0, os.path.dirname(os.path.abspath(FLOOR)))
import floor  # noqa: E402  (run.py beside it is imported by it)

# Trimmed `perf report --children --sort sym --stdio -g none` of an io_uring server and a JVM.
REPORT = """\
# Samples: 7K of event 'cpu-clock'
# Event count (approx.): 7007000000
#
# Children      Self  Symbol
# ........  ........  ..............................
#
    88.69%     0.37%  [k] __do_sys_io_uring_enter
    62.94%     0.04%  [k] tcp_sendmsg
    60.10%     2.65%  [k] tcp_sendmsg_locked
    14.98%     1.08%  [k] tcp_recvmsg
     3.00%     2.38%  [.] framekit::Decoder::NextEach<framekit::LengthHeaderDecoder>
     1.20%     1.20%  [.] io_uring_submit
     0.50%     0.50%  [.] Interpreter
"""


class ReportSharesTest(unittest.TestCase):
    def test_children_of_the_named_symbols_and_self_of_user_space(self):
        shares, user = floor.report_shares(REPORT, ("tcp_sendmsg", "tcp_recvmsg"))
        self.assertEqual(shares, {"tcp_sendmsg": 62.94, "tcp_recvmsg": 14.98})
        self.assertAlmostEqual(user, 2.38 + 1.20 + 0.50)

    def test_a_symbol_absent_from_the_profile_counts_zero(self):
        shares, user = floor.report_shares(REPORT.replace("tcp_recvmsg\n", "other\n"),
                                           ("tcp_sendmsg", "tcp_recvmsg"))
        self.assertEqual(shares["tcp_recvmsg"], 0.0)

    def test_a_longer_name_with_the_same_prefix_is_not_the_symbol(self):
        shares, _ = floor.report_shares("    60.10%     2.65%  [k] tcp_sendmsg_locked\n",
                                        ("tcp_sendmsg",))
        self.assertEqual(shares["tcp_sendmsg"], 0.0)


def measurement(run, server, cpu, tcp_share, user_share, echoes=1000, segments=125,
                msgs_per_s=1e6, gen_cpu_s=0.0002):
    result = {"run": run, "server": server, "cell": [100, 16, 16], "stalled": 0, "ok": True,
              "cpu_s_per_m": cpu, "msgs_per_s": msgs_per_s, "gen_cpu": 0.9,
              "generator": {"echoes": echoes, "generator_cpu_s": gen_cpu_s}}
    result.update(floor.floor_row(result, segments,
                                  {"tcp_sendmsg": 100 * tcp_share, "tcp_recvmsg": 0.0},
                                  100 * user_share))
    return result


class FloorArithmeticTest(unittest.TestCase):
    def setUp(self):
        floor.CELLS = [(100, 16, 16)]

    def test_floor_is_the_tcp_share_of_the_cpu_per_message(self):
        row = measurement(1, "framekit-uring", 0.24, 0.75, 0.10)
        self.assertAlmostEqual(row["floor_s_per_m"], 0.18)
        self.assertAlmostEqual(row["user_s_per_m"], 0.024)
        self.assertAlmostEqual(row["segments_per_msg"], 0.125)
        self.assertAlmostEqual(row["gen_s_per_m"], 0.2)  # 0.0002 s over 1000 echoes

    def test_cut_needed_is_the_part_above_the_floor_that_must_go(self):
        # Ours 0.24 s/M with a 0.18 floor; Asio 0.27: the 0.7 target is 0.189, so 0.051 of the
        # 0.06 above the floor must go (0.85); the floor ratio is 0.18 / 0.27.
        results = [measurement(1, "framekit-uring", 0.24, 0.75, 0.10),
                   measurement(1, "asio", 0.27, 0.70, 0.10)]
        _, ratios, _ = floor.summarize(results, ["framekit-uring", "asio"], 1)
        [r] = [r for r in ratios if r["peer"] == "asio"]
        self.assertAlmostEqual(r["ratio_now"]["median"], 0.24 / 0.27)
        self.assertAlmostEqual(r["floor_ratio"]["median"], 0.18 / 0.27)
        self.assertAlmostEqual(r["cut_needed"]["median"], (0.24 - 0.7 * 0.27) / 0.06)
        self.assertAlmostEqual(r["user_share_of_rest"]["median"], 0.024 / 0.06)

    def test_a_met_target_needs_no_cut(self):
        results = [measurement(1, "framekit", 0.20, 0.7, 0.1),
                   measurement(1, "netty", 0.80, 0.3, 0.6)]
        _, ratios, _ = floor.summarize(results, ["framekit", "netty"], 1)
        [r] = ratios
        self.assertLess(r["cut_needed"]["median"], 0)

    def test_pairs_only_within_a_run_and_only_in_the_targets_cells(self):
        floor.CELLS = [(100, 16, 16), (1, 64, 16)]
        results = [measurement(1, "framekit-uring", 0.24, 0.75, 0.1),
                   measurement(2, "framekit", 0.30, 0.70, 0.1)]
        _, ratios, _ = floor.summarize(results, ["framekit", "framekit-uring"], 2)
        self.assertEqual(ratios[0]["ratio_now"], None)  # no run with both rows
        self.assertEqual([tuple(r["cell"]) for r in ratios], [(100, 16, 16)])  # 0.75: 2 cells

    def test_throughput_ceilings_from_the_generators_cost_and_the_floor(self):
        # Generator 0.2 s/M (0.0002 s over 1000 echoes), epoll at 4M msgs/s and 0.25 s/M, io_uring
        # with a 0.18 s/M floor: one generator thread tops out at 5M msgs/s, 1.25x epoll; two
        # full cores at (0.2 + 0.25) / (0.2 + 0.18).
        results = [measurement(1, "framekit", 0.25, 0.7, 0.1, msgs_per_s=4e6),
                   measurement(1, "framekit-uring", 0.24, 0.75, 0.1, msgs_per_s=4.2e6)]
        _, _, [c] = floor.summarize(results, ["framekit", "framekit-uring"], 1)
        self.assertAlmostEqual(c["ratio_now"]["median"], 1.05)
        self.assertAlmostEqual(c["one_generator_thread"]["median"], 1.25)
        self.assertAlmostEqual(c["two_cores_at_floor"]["median"], 0.45 / 0.38)
        self.assertIn("| 100x16x16 | 1.05 (1.05-1.05) | 1.25 (1.25-1.25) | 1.18 (1.18-1.18) |",
                      floor.markdown("header", [], [], [c], []))

    def test_report_lists_failures_and_survives_missing_rows(self):
        results = [measurement(1, "framekit", 0.3, 0.7, 0.1),
                   {"run": 1, "server": "asio", "cell": [100, 16, 16], "stalled": 0,
                    "ok": False, "error": "server exited"}]
        rows, ratios, ceilings = floor.summarize(results, ["framekit", "asio"], 1)
        self.assertEqual(ceilings, [])  # no io_uring row
        text = floor.markdown("header", rows, ratios, ceilings, [results[1]])
        self.assertIn("| 100x16x16 | asio | - |", text)
        self.assertIn("asio 100x16x16 run 1: server exited", text)


class SegmentCounterTest(unittest.TestCase):
    def test_counts_the_segments_of_a_loopback_exchange(self):
        listener = socket.create_server(("127.0.0.1", 0))
        client = socket.create_connection(listener.getsockname())
        server, _ = listener.accept()
        before = floor.tcp_out_segments()
        for _ in range(5):
            client.sendall(b"x" * 16)
            self.assertEqual(server.recv(16), b"x" * 16)
            server.sendall(b"y" * 16)
            self.assertEqual(client.recv(16), b"y" * 16)
        # Ten data segments at least (other sockets of the machine may add to the count).
        self.assertGreaterEqual(floor.tcp_out_segments() - before, 10)
        for s in (client, server, listener):
            s.close()


if __name__ == "__main__":
    unittest.main()

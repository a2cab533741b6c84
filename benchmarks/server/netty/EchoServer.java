// framekit/benchmarks/server/netty/EchoServer.java
//
// Netty 4.1 peer for the server benchmark: a multi-threaded echo server for the benchmark's framing
// (4-byte big-endian payload length, then the payload). Every frame is echoed back, header and
// payload byte for byte, in order. A header announcing more than 16 MiB closes that connection.
//
// Build and run (Debian's libnetty-java; see build.sh and run.sh for the jars and JVM flags):
//   benchmarks/server/netty/build.sh OUT && benchmarks/server/netty/run.sh OUT --port=0 --threads=2
// Prints "listening on 127.0.0.1:PORT" once bound; exits 0 on SIGTERM or SIGINT.
//
// Written as the Netty examples are: NIO transport (Debian's epoll jar ships no native library),
// one boss thread accepting, `threads` worker event loops, the pooled allocator and the default
// write-buffer water marks. The pipeline splits frames with LengthFieldBasedFrameDecoder (the
// header stripped, the payload a slice of the read buffer, no copy), LengthFieldPrepender puts the
// header back, and EchoHandler writes each frame in channelRead and flushes once per read batch in
// channelReadComplete. Like Netty's own EchoServer example it does not pause reading while the
// channel is unwritable: pausing (autoRead off) at the default 64 KiB high water mark cut 4 KiB-frame
// throughput to about a third in a trial, and the benchmark's clients read their echoes.
package framekit.benchmarks.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

public final class EchoServer {
  static final int MAX_PAYLOAD = 16 << 20;  // 16 MiB; a longer announced payload closes the connection

  /** Echoes each decoded payload (LengthFieldPrepender re-adds the header); one flush per read batch. */
  @Sharable
  static final class EchoHandler extends ChannelInboundHandlerAdapter {
    static final EchoHandler INSTANCE = new EchoHandler();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg, ctx.voidPromise());  // no per-write promise; a failed write reaches exceptionCaught
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();  // TooLongFrameException, connection reset, ...: drop this connection, silently
    }
  }

  static final LengthFieldPrepender PREPENDER = new LengthFieldPrepender(4);  // @Sharable

  public static void main(String[] args) throws Exception {
    int port = 0;
    int threads = Runtime.getRuntime().availableProcessors();
    for (String arg : args) {
      try {
        if (arg.startsWith("--port=")) {
          port = Integer.parseInt(arg.substring("--port=".length()));
        } else if (arg.startsWith("--threads=")) {
          threads = Integer.parseInt(arg.substring("--threads=".length()));
        } else {
          throw new IllegalArgumentException();
        }
      } catch (IllegalArgumentException e) {
        System.err.println("EchoServer: bad argument " + arg + "; usage: EchoServer [--port=P] [--threads=N]");
        System.exit(2);
      }
    }
    if (port < 0 || port > 65535 || threads < 1) {
      System.err.println("EchoServer: need 0 <= port <= 65535 and threads >= 1");
      System.exit(2);
    }

    EventLoopGroup boss = new NioEventLoopGroup(1);
    EventLoopGroup workers = new NioEventLoopGroup(threads);
    try {
      ServerBootstrap b = new ServerBootstrap()
          .group(boss, workers)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              // maxFrameLength counts the header too: a 16 MiB payload is a 16 MiB + 4 frame.
              ch.pipeline().addLast(
                  new LengthFieldBasedFrameDecoder(MAX_PAYLOAD + 4, 0, 4, 0, 4),
                  PREPENDER,
                  EchoHandler.INSTANCE);
            }
          });
      Channel server = b.bind("127.0.0.1", port).sync().channel();
      Signal.handle(new Signal("TERM"), s -> server.close());
      Signal.handle(new Signal("INT"), s -> server.close());
      System.out.println("listening on 127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort());
      System.out.flush();
      server.closeFuture().sync();
    } finally {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();  // closes open connections
    }
    System.exit(0);
  }
}

package dev.iothub.emulator.internal.http;

import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.service.RestRequest;
import dev.iothub.emulator.internal.service.RestResponse;
import dev.iothub.emulator.internal.service.Routes;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Translates each HTTP request into a {@link RestRequest} for the service routes, and their answer into HTTP. */
@Sharable
public final class RestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(RestHandler.class);
    private static final String JSON = "application/json; charset=utf-8";
    /** The answer a connection sent last, or is still waiting for: the next one is sent after it. */
    private static final AttributeKey<CompletableFuture<Void>> LAST_ANSWER = AttributeKey.valueOf("lastAnswer");

    private final Routes routes;
    private final Clock clock;

    public RestHandler(Routes routes, Clock clock) {
        this.routes = routes;
        this.clock = clock;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
        long started = System.nanoTime();
        boolean keepAlive = HttpUtil.isKeepAlive(http) && http.decoderResult().isSuccess();
        if (!http.decoderResult().isSuccess()) {
            send(ctx, RestResponse.error(new HubException(ErrorCode.ArgumentInvalid, "The HTTP request is malformed."),
                    clock.instant()), http.method().name(), "?", keepAlive, started);
            return;
        }
        RestRequest request = read(http);
        if (request == null) {
            send(ctx, RestResponse.error(new HubException(ErrorCode.ArgumentInvalid,
                    "The request target is malformed (a percent-escape that is not one)."), clock.instant()),
                    http.method().name(), "?", keepAlive, started);
            return;
        }
        // Most answers are ready at once; a direct method's comes when its device answers, on another thread. A
        // client may send its next requests meanwhile (HTTP/1.1 pipelining): their answers wait for this one, in
        // the order the requests came. This runs on the connection's one handler thread, so the chain needs no lock.
        CompletableFuture<Void> previous = ctx.channel().attr(LAST_ANSWER).get();
        CompletableFuture<RestResponse> answer = routes.answer(request);
        CompletableFuture<Void> sent = (previous == null || previous.isDone() ? answer : previous.thenCombine(answer,
                (done, ready) -> ready)).thenAccept(ready ->
                send(ctx, ready, request.method(), request.path(), keepAlive, started));
        ctx.channel().attr(LAST_ANSWER).set(sent);
    }

    private void send(ChannelHandlerContext ctx, RestResponse answer, String method, String path, boolean keepAlive,
                      long started) {
        FullHttpResponse response = toHttp(answer, method, path);
        HttpUtil.setKeepAlive(response, keepAlive);
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        long delay = routes.faults().delay().toMillis();
        if (delay > 0) { // a fault a test asked for: the answer is held back, the thread is not
            ctx.executor().schedule(() -> write(ctx, response, keepAlive), delay, TimeUnit.MILLISECONDS);
        } else { // queued on the connection's handler thread, behind any answer sent before from another thread
            ctx.executor().execute(() -> write(ctx, response, keepAlive));
        }
        // after the answer is on its way: the client need not wait for the log's formatting and write
        log.info("{} {} {} {} ms", method, path, response.status().code(), elapsedMillis);
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The request as the service surface reads it, or null if its target cannot be decoded. */
    private static RestRequest read(FullHttpRequest http) {
        try {
            QueryStringDecoder target = new QueryStringDecoder(http.uri());
            Map<String, List<String>> parameters = target.parameters();
            return RestRequest.of(http.method().name(), target.rawPath(), name -> {
                List<String> values = parameters.get(name);
                return values == null ? null : values.get(0);
            }, http.headers()::get, http.headers().names(), ByteBufUtil.getBytes(http.content()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code answer} in HTTP; the hub's internal error if it cannot be written (its body, say). */
    private FullHttpResponse toHttp(RestResponse answer, String method, String path) {
        try {
            return toHttp(answer);
        } catch (RuntimeException | Error e) {
            log.error("{} {}: the answer could not be written", method, path, e);
            return toHttp(RestResponse.internalError(e, clock.instant()));
        }
    }

    private static FullHttpResponse toHttp(RestResponse answer) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()), answer.content() != null
                        ? Unpooled.wrappedBuffer(answer.content())
                        : answer.body() == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(Json.bytes(answer.body())));
        answer.headers().forEach((name, value) -> response.headers().set(name, value));
        if (answer.body() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON);
        }
        if (answer.etag() != null) {
            response.headers().set(HttpHeaderNames.ETAG, "\"" + answer.etag() + "\"");
        }
        if (answer.errorCode() != null) {
            response.headers().set("iothub-errorcode", answer.errorCode().name());
        }
        HttpUtil.setContentLength(response, response.content().readableBytes());
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTPS connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}

package dev.iothub.emulator.internal.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
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
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dispatches each HTTP request to the REST API that serves its path and writes the hub's answer or error. */
@Sharable
public final class RestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(RestHandler.class);
    private static final String JSON = "application/json; charset=utf-8";

    private final List<RestApi> apis;
    private final Clock clock;

    public RestHandler(List<RestApi> apis, Clock clock) {
        this.apis = List.copyOf(apis);
        this.clock = clock;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
        long started = System.nanoTime();
        FullHttpResponse response;
        String path = "?";
        String method = http.method().name();
        if (!http.decoderResult().isSuccess()) {
            response = error(new HubException(ErrorCode.ArgumentInvalid, "The HTTP request is malformed."));
        } else {
            RestRequest request = RestRequest.of(http.method(), http.uri(), http.headers(),
                    ByteBufUtil.getBytes(http.content()));
            path = request.path();
            method = request.method();
            response = answer(request);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(http) && http.decoderResult().isSuccess();
        HttpUtil.setKeepAlive(response, keepAlive);
        int status = response.status().code();
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        // after the answer has gone to the event loop: the client need not wait for the log's formatting and write
        log.info("{} {} {} {} ms", method, path, status, elapsedMillis);
    }

    private FullHttpResponse answer(RestRequest request) {
        try {
            RestApi api = apiServing(request);
            if (request.apiVersion() == null) {
                throw new HubException(ErrorCode.InvalidProtocolVersion, "The api-version query parameter is missing.");
            }
            RestResponse answer = api.handle(request);
            FullHttpResponse response = json(HttpResponseStatus.valueOf(answer.status()), answer.body());
            if (answer.etag() != null) {
                response.headers().set(HttpHeaderNames.ETAG, "\"" + answer.etag() + "\"");
            }
            return response;
        } catch (HubException e) {
            return error(e);
        } catch (RuntimeException e) {
            log.error("{} {} failed", request.method(), request.path(), e);
            return error(new HubException(ErrorCode.ServerError, "The hub emulator failed: " + e.getClass().getSimpleName()));
        }
    }

    private RestApi apiServing(RestRequest request) {
        for (RestApi api : apis) {
            if (api.serves(request)) {
                return api;
            }
        }
        throw new HubException(ErrorCode.NotImplemented, "hub-emulator does not emulate " + request.method() + " "
                + request.path() + " (AMQP, messaging, methods, jobs and queries are not emulated; see hub-emulator/README.md).");
    }

    private FullHttpResponse error(HubException error) {
        FullHttpResponse response = json(HttpResponseStatus.valueOf(error.errorCode().status()),
                ErrorBody.of(error, clock.instant()));
        response.headers().set("iothub-errorcode", error.errorCode().name());
        return response;
    }

    private static FullHttpResponse json(HttpResponseStatus status, JsonNode body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(Json.bytes(body)));
        if (body != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON);
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

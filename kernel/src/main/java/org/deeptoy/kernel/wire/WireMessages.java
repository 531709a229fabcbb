package org.deeptoy.kernel.wire;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.reflect.TypeToken;

import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.KernelTimestamp;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.ReplyType;
import io.github.spencerpark.jupyter.messages.adapters.ExpressionValueAdapter;
import io.github.spencerpark.jupyter.messages.adapters.HeaderAdapter;
import io.github.spencerpark.jupyter.messages.adapters.HistoryEntryAdapter;
import io.github.spencerpark.jupyter.messages.adapters.HistoryRequestAdapter;
import io.github.spencerpark.jupyter.messages.adapters.KernelTimestampAdapter;
import io.github.spencerpark.jupyter.messages.adapters.MessageTypeAdapter;
import io.github.spencerpark.jupyter.messages.adapters.PublishStatusAdapter;
import io.github.spencerpark.jupyter.messages.adapters.ReplyTypeAdapter;
import io.github.spencerpark.jupyter.messages.publish.PublishStatus;
import io.github.spencerpark.jupyter.messages.reply.ErrorReply;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;
import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.kernel.ExpressionValue;

/**
 * Reads one Jupyter wire message (the frames of one ZMQ multipart message) without trusting it,
 * where basekernel's {@code JupyterSocket.readMessage} throws on the first bad frame (and reads
 * past a missing delimiter into the next message). The result is a message, or a problem: one
 * that cannot be answered (bad signature, no delimiter, unreadable header: dropped and logged) or
 * one that can (the header is readable: an error reply names the problem).
 */
final class WireMessages {
    static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

    // The same Gson set-up as basekernel's JupyterSocket, built from its public adapters.
    private static final Gson REPLY_GSON = new GsonBuilder()
            .registerTypeAdapter(HistoryEntry.class, HistoryEntryAdapter.INSTANCE)
            .registerTypeAdapter(ExpressionValue.class, ExpressionValueAdapter.INSTANCE)
            .create();
    private static final Gson GSON = new GsonBuilder()
            .registerTypeAdapter(KernelTimestamp.class, KernelTimestampAdapter.INSTANCE)
            .registerTypeAdapter(Header.class, HeaderAdapter.INSTANCE)
            .registerTypeAdapter(MessageType.class, MessageTypeAdapter.INSTANCE)
            .registerTypeAdapter(PublishStatus.class, PublishStatusAdapter.INSTANCE)
            .registerTypeAdapter(HistoryRequest.class, HistoryRequestAdapter.INSTANCE)
            .registerTypeHierarchyAdapter(ReplyType.class, new ReplyTypeAdapter(REPLY_GSON))
            .create();
    private static final Type MAP = new TypeToken<Map<String, Object>>() { }.getType();

    private WireMessages() {
    }

    /** A decoded message, or the problem with it; {@code request} is set when the problem can be answered. */
    static final class Decoded {
        final Message<?> message;
        final String problem;
        final Message<?> request;
        /** The request's msg_type and raw header, for answering types basekernel does not know. */
        final String requestType;
        final byte[] rawHeader;

        private Decoded(Message<?> message, String problem, Message<?> request, String requestType, byte[] rawHeader) {
            this.message = message;
            this.problem = problem;
            this.request = request;
            this.requestType = requestType;
            this.rawHeader = rawHeader;
        }

        static Decoded ok(Message<?> message) {
            return new Decoded(message, null, null, null, null);
        }

        static Decoded dropped(String problem) {
            return new Decoded(null, problem, null, null, null);
        }

        static Decoded answerable(String problem, Message<?> request, String requestType, byte[] rawHeader) {
            return new Decoded(null, problem, request, requestType, rawHeader);
        }
    }

    /** Thrown inside decoding: a problem that cannot be answered. */
    private static final class Drop extends Exception {
        Drop(String message) {
            super(message, null, false, false);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Decoded decode(List<byte[]> frames, HMACGenerator hmac) {
        int d = indexOfDelimiter(frames);
        if (d < 0) {
            return Decoded.dropped("dropped a message without the <IDS|MSG> delimiter (" + frames.size() + " frames)");
        }
        if (frames.size() < d + 6) {
            return Decoded.dropped("dropped a message with " + (frames.size() - d - 1) + " frames after <IDS|MSG>; "
                    + "a message has 5 (signature, header, parent_header, metadata, content)");
        }
        List<byte[]> identities = new ArrayList<>(frames.subList(0, d));
        byte[] signature = frames.get(d + 1);
        byte[] headerRaw = frames.get(d + 2);
        byte[] parentRaw = frames.get(d + 3);
        byte[] metadataRaw = frames.get(d + 4);
        byte[] contentRaw = frames.get(d + 5);
        List<byte[]> blobs = new ArrayList<>(frames.subList(d + 6, frames.size()));

        String expected = hmac.calculateSignature(headerRaw, parentRaw, metadataRaw, contentRaw);
        if (expected != null && !expected.isEmpty()
                && !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature)) {
            return Decoded.dropped("rejected a message with " + (signature.length == 0 ? "no" : "a wrong")
                    + " HMAC signature (not run; is a client using another connection key?)");
        }

        Header<?> header;
        String typeName;
        try {
            JsonObject h = object(headerRaw, "header");
            typeName = string(h, "msg_type", "header");
            String id = string(h, "msg_id", "header");
            MessageType<?> type = MessageType.getType(typeName);
            JsonElement date = h.get("date");
            KernelTimestamp at = date != null && date.isJsonPrimitive() ? new KernelTimestamp(date.getAsString())
                    : KernelTimestamp.now();
            header = new Header(id, optString(h, "username", ""), optString(h, "session", ""), at, type,
                    optString(h, "version", Header.PROTOCOL_VERISON));
        } catch (Drop e) {
            return Decoded.dropped("dropped a message: " + e.getMessage());
        }
        Message<?> request = new Message(identities, header, null, null, null, blobs);

        try {
            object(parentRaw, "parent_header");
            Map<String, Object> metadata = GSON.fromJson(object(metadataRaw, "metadata"), MAP);
            JsonObject contentJson = object(contentRaw, "content");
            MessageType<?> type = header.getType();
            if (type == MessageType.UNKNOWN) {
                return Decoded.answerable("unknown message type " + typeName, request, typeName, headerRaw);
            }
            ContentCheck.check(typeName, contentJson);
            Object content;
            try {
                content = GSON.fromJson(contentJson, type.getContentType());
            } catch (RuntimeException e) {
                throw new Drop("the " + typeName + "'s content does not fit: " + e.getMessage());
            }
            if (content instanceof ErrorReply) {
                header = new Header(header.getId(), header.getUsername(), header.getSessionId(),
                        header.getTimestamp(), type.error(), header.getVersion());
            }
            return Decoded.ok(new Message(identities, header, null, metadata, content, blobs));
        } catch (Drop e) {
            return Decoded.answerable(e.getMessage(), request, typeName, headerRaw);
        } catch (JsonParseException e) {
            return Decoded.answerable("the " + typeName + "'s metadata is not a JSON object of values: "
                    + e.getMessage(), request, typeName, headerRaw);
        }
    }

    private static int indexOfDelimiter(List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(DELIMITER, frames.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @SuppressWarnings("deprecation") // JsonParser.parseString needs gson 2.8.6; basekernel brings 2.8.5
    private static JsonObject object(byte[] raw, String part) throws Drop {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new Drop("the " + part + " is not UTF-8 text");
        }
        JsonElement e;
        try {
            e = new JsonParser().parse(text);
        } catch (JsonParseException | IllegalStateException ex) {
            throw new Drop("the " + part + " is not JSON (" + shortText(text) + ")");
        }
        if (!e.isJsonObject()) {
            throw new Drop("the " + part + " is not a JSON object (" + shortText(text) + ")");
        }
        return e.getAsJsonObject();
    }

    private static String string(JsonObject o, String field, String part) throws Drop {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw new Drop("the " + part + " has no " + field);
        }
        if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isString()) {
            throw new Drop("the " + part + "'s " + field + " is not a string (" + shortText(e.toString()) + ")");
        }
        return e.getAsString();
    }

    private static String optString(JsonObject o, String field, String otherwise) {
        JsonElement e = o.get(field);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : otherwise;
    }

    static String shortText(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }

    /** The fields of request contents that basekernel's Gson would misread or our handlers need. */
    static final class ContentCheck {
        private ContentCheck() {
        }

        static void check(String type, JsonObject c) throws Drop {
            switch (type) {
                case "execute_request":
                    need(type, c, "code", Kind.STRING);
                    for (String flag : new String[] {"silent", "store_history", "allow_stdin", "stop_on_error"}) {
                        may(type, c, flag, Kind.BOOLEAN);
                    }
                    may(type, c, "user_expressions", Kind.OBJECT);
                    break;
                case "complete_request":
                case "inspect_request":
                    need(type, c, "code", Kind.STRING);
                    need(type, c, "cursor_pos", Kind.INTEGER);
                    may(type, c, "detail_level", Kind.INTEGER);
                    break;
                case "is_complete_request":
                    need(type, c, "code", Kind.STRING);
                    break;
                case "shutdown_request":
                    may(type, c, "restart", Kind.BOOLEAN);
                    break;
                case "input_reply":
                    may(type, c, "value", Kind.STRING);
                    break;
                default:
                    break;
            }
        }

        private enum Kind {
            STRING("a string"), BOOLEAN("true or false"), INTEGER("a whole number"), OBJECT("a JSON object");

            final String said;

            Kind(String said) {
                this.said = said;
            }

            boolean fits(JsonElement e) {
                switch (this) {
                    case STRING:
                        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
                    case BOOLEAN:
                        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean();
                    case INTEGER:
                        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                            return false;
                        }
                        double v = e.getAsDouble();
                        return v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE;
                    default:
                        return e.isJsonObject();
                }
            }
        }

        private static void need(String type, JsonObject c, String field, Kind kind) throws Drop {
            if (!c.has(field) || c.get(field).isJsonNull()) {
                throw new Drop("the " + type + " has no " + field + " (" + kind.said + ")");
            }
            may(type, c, field, kind);
        }

        private static void may(String type, JsonObject c, String field, Kind kind) throws Drop {
            JsonElement e = c.get(field);
            if (e != null && !e.isJsonNull() && !kind.fits(e)) {
                throw new Drop("the " + type + "'s " + field + " must be " + kind.said + ", not "
                        + shortText(e.toString()));
            }
        }
    }
}

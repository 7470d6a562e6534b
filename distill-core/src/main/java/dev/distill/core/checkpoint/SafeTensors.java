package dev.distill.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The safetensors format (https://github.com/huggingface/safetensors): 8-byte little-endian header
 * length, a JSON header of name -> {dtype, shape, data_offsets}, then the raw little-endian data.
 * Written here rather than through a library so that every malformed or truncated file fails with a
 * message naming the file and the tensor, and so that writing is byte-for-byte deterministic
 * (sorted names, no timestamps) for the weight hashes that replay compares.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {}

    /** One tensor's header entry; {@code begin}/{@code end} are absolute file offsets. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** Reads every tensor as float32 (F32, F16, BF16 and F64 are accepted), in header order. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Entry e : header(file, ch).values()) {
                out.put(e.name(), new Tensor(e.shape(), data(file, ch, e)));
            }
            return out;
        }
    }

    /**
     * The header of an open file: every tensor's dtype, shape and place, checked against the file's
     * size.
     */
    public static Map<String, Entry> header(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw corrupt(
                    file, "file is " + size + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.flip().getLong();
        if (headerLen <= 0 || headerLen > MAX_HEADER) {
            throw corrupt(file, "header length " + headerLen + " is not plausible");
        }
        if (8 + headerLen > size) {
            throw corrupt(
                    file,
                    "truncated: header says "
                            + headerLen
                            + " bytes but the file has only "
                            + (size - 8)
                            + " after the length");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
        readFully(ch, headerBuf, 8);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw corrupt(file, "header is not valid JSON: " + e.getMessage());
        }
        if (header == null || !header.isObject()) {
            throw corrupt(file, "header is not a JSON object");
        }
        long dataStart = 8 + headerLen;
        long dataLen = size - dataStart;
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            out.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataStart, dataLen));
        }
        return out;
    }

    private static Entry entry(Path file, String name, JsonNode info, long dataStart, long dataLen)
            throws IOException {
        String dtype = info.path("dtype").asText("");
        JsonNode shapeNode = info.path("shape");
        JsonNode offsets = info.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw corrupt(file, "tensor " + name + " has a malformed header entry: " + info);
        }
        long[] shape = new long[shapeNode.size()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw corrupt(file, "tensor " + name + " has a negative dimension in " + shapeNode);
            }
            try {
                n = Math.multiplyExact(n, shape[i]);
            } catch (ArithmeticException e) {
                throw corrupt(file, "tensor " + name + " has too many elements: " + shapeNode);
            }
        }
        int width = width(file, name, dtype);
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin) {
            throw corrupt(file, "tensor " + name + " has invalid data_offsets " + offsets);
        }
        if (end > dataLen) {
            throw corrupt(
                    file,
                    "truncated: tensor "
                            + name
                            + " ends at byte "
                            + end
                            + " of the data section but only "
                            + dataLen
                            + " bytes are present");
        }
        if (n > Integer.MAX_VALUE) {
            throw corrupt(file, "tensor " + name + " has too many elements: " + shapeNode);
        }
        if (end - begin != n * width) {
            throw corrupt(
                    file,
                    "tensor "
                            + name
                            + " has "
                            + (end - begin)
                            + " bytes but shape "
                            + shapeNode
                            + " in "
                            + dtype
                            + " needs "
                            + n * width);
        }
        return new Entry(name, dtype, shape, dataStart + begin, dataStart + end);
    }

    private static int width(Path file, String name, String dtype) throws IOException {
        return switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            case "F64" -> 8;
            default ->
                    throw corrupt(
                            file,
                            "tensor "
                                    + name
                                    + " has dtype "
                                    + dtype
                                    + "; only F32, F16, BF16 and F64 weights can be loaded");
        };
    }

    /**
     * One tensor's values as float32, read through a memory map of its own bytes only: files larger
     * than 2 GB load, and no more than one tensor is ever copied onto the heap.
     */
    public static float[] data(Path file, FileChannel ch, Entry e) throws IOException {
        long n = e.elements();
        if (n > Integer.MAX_VALUE) {
            throw corrupt(
                    file,
                    "tensor "
                            + e.name()
                            + " has "
                            + n
                            + " elements, more than one Java array can hold");
        }
        float[] data = new float[(int) n];
        FloatBuffer out = FloatBuffer.wrap(data);
        dataInto(file, ch, e, out);
        return data;
    }

    /**
     * One tensor's values as float32 into {@code out} (e.g. a direct buffer the engine takes over),
     * read through a memory map of the tensor's own bytes: nothing passes through the Java heap.
     */
    public static void dataInto(Path file, FileChannel ch, Entry e, FloatBuffer out)
            throws IOException {
        long n = e.elements();
        if (n > Integer.MAX_VALUE || out.remaining() != n) {
            throw corrupt(
                    file,
                    "tensor "
                            + e.name()
                            + " has "
                            + n
                            + " elements; the destination holds "
                            + out.remaining());
        }
        if (n == 0) {
            return;
        }
        MappedByteBuffer buf =
                ch.map(FileChannel.MapMode.READ_ONLY, e.begin(), e.end() - e.begin());
        try {
            copy(buf.order(ByteOrder.LITTLE_ENDIAN), e.dtype(), out);
        } finally {
            Unmapper.unmap(buf);
        }
        out.flip();
    }

    private static void copy(ByteBuffer buf, String dtype, FloatBuffer out) {
        switch (dtype) {
            case "F32" -> out.put(buf.asFloatBuffer());
            case "F64" -> {
                DoubleBuffer db = buf.asDoubleBuffer();
                while (db.hasRemaining()) {
                    out.put((float) db.get());
                }
            }
            case "BF16" -> {
                ShortBuffer sb = buf.asShortBuffer();
                while (sb.hasRemaining()) {
                    out.put(Float.intBitsToFloat((sb.get() & 0xffff) << 16));
                }
            }
            default -> {
                ShortBuffer sb = buf.asShortBuffer();
                while (sb.hasRemaining()) {
                    out.put(halfToFloat(sb.get()));
                }
            }
        }
    }

    /** Writes float32 tensors, names sorted, with Hugging Face's {"format": "pt"} metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        SortedMap<String, Tensor> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", "F32");
            var shape = info.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = 4L * e.getValue().data().length;
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded =
                (json.length + 7)
                        / 8
                        * 8; // the spec pads the header with spaces to 8-byte alignment
        byte[] headerBytes = new byte[padded];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            headerBytes[i] = ' ';
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerBytes);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : sorted.values()) {
                for (float v : t.data()) {
                    if (!chunk.hasRemaining()) {
                        out.write(chunk.array(), 0, chunk.position());
                        chunk.clear();
                    }
                    chunk.putFloat(v);
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position)
            throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += r;
        }
    }

    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant / 1024f * (float) Math.pow(2, -14);
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static IOException corrupt(Path file, String what) {
        return new IOException("cannot read safetensors file " + file + ": " + what);
    }
}

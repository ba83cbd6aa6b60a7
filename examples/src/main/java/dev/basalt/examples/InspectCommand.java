package dev.basalt.examples;

import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.GgufTensorInfo;
import dev.basalt.gguf.MetadataValue;
import dev.basalt.gguf.ModelFormatException;
import dev.basalt.gguf.SafetensorsFile;
import dev.basalt.gguf.SafetensorsModel;
import dev.basalt.gguf.SafetensorsTensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code basalt inspect <file>}: what a GGUF or safetensors model file holds, without reading the weights. */
final class InspectCommand implements Command {

    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "show a GGUF or safetensors file's version, metadata and tensor table";
    }

    @Override
    public String usage() {
        return """
                usage: basalt inspect <file.gguf | file.safetensors | model.safetensors.index.json | hf-folder> [options]
                  --items N        array elements shown before summarizing (default 8)
                  --no-tensors     metadata only
                Shapes are printed innermost dimension first for GGUF (ggml order) and as stored (row-major)
                for safetensors.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Path file = null;
        int items = 8;
        boolean tensors = true;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--items" -> {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("--items needs a number");
                    }
                    try {
                        items = Integer.parseInt(args.get(++i));
                    } catch (NumberFormatException e) {
                        throw new UsageException("--items needs a number, got '" + args.get(i) + "'");
                    }
                }
                case "--no-tensors" -> tensors = false;
                default -> {
                    if (a.startsWith("-")) {
                        throw new UsageException("unknown option " + a);
                    }
                    if (file != null) {
                        throw new UsageException("one file at a time (got " + file + " and " + a + ")");
                    }
                    file = Path.of(a);
                }
            }
        }
        if (file == null) {
            throw new UsageException("which file?");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (isGguf(file)) {
            try (GgufFile gguf = GgufFile.open(file)) {
                printGguf(gguf, items, tensors, out);
            }
        } else if (isSafetensors(file)) {
            try (SafetensorsModel model = SafetensorsModel.open(file)) {
                printSafetensors(model, tensors, out);
            }
        } else {
            throw new ModelFormatException(file.toString(), 0, "neither a GGUF file (magic 'GGUF') nor safetensors"
                    + " (.safetensors, model.safetensors.index.json or a folder holding them)");
        }
        return 0;
    }

    private static boolean isGguf(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            return false;
        }
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(magic, 0, 4) == 4 && Arrays.equals(magic, "GGUF".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    private static boolean isSafetensors(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        return Files.isDirectory(file) || name.endsWith(".safetensors") || name.endsWith(".json");
    }

    private static void printGguf(GgufFile gguf, int items, boolean tensors, PrintStream out) {
        out.println("file:     " + gguf.source() + " (" + bytes(gguf.fileSize()) + ")");
        out.println("format:   GGUF v" + gguf.version() + ", alignment " + gguf.alignment() + ", data section at byte " + gguf.dataOffset());
        Map<String, MetadataValue> kv = gguf.metadata().asMap();
        out.println("metadata: " + kv.size() + " keys");
        int width = kv.keySet().stream().mapToInt(String::length).max().orElse(0);
        kv.forEach((k, v) -> out.printf("  %-" + width + "s  %-7s  %s%n", k, v.type(), v.display(items)));
        List<GgufTensorInfo> infos = gguf.tensorInfos();
        long total = infos.stream().mapToLong(GgufTensorInfo::byteSize).sum();
        long params = infos.stream().mapToLong(GgufTensorInfo::elementCount).sum();
        out.println("tensors:  " + infos.size() + " (" + String.format("%,d", params) + " parameters, " + bytes(total) + ")");
        if (!tensors || infos.isEmpty()) {
            return;
        }
        String[][] rows = new String[infos.size()][];
        for (int i = 0; i < rows.length; i++) {
            GgufTensorInfo t = infos.get(i);
            rows[i] = new String[] {t.name(), t.type().name(), Arrays.toString(t.shape()), Long.toString(t.offset()), Long.toString(t.byteSize())};
        }
        table(out, new String[] {"name", "type", "shape", "offset", "bytes"}, rows);
    }

    private static void printSafetensors(SafetensorsModel model, boolean tensors, PrintStream out) {
        List<SafetensorsFile> shards = model.shards();
        long size = shards.stream().mapToLong(SafetensorsFile::fileSize).sum();
        out.println("file:     " + model.source() + " (" + bytes(size) + ")");
        out.println("format:   safetensors, " + shards.size() + (shards.size() == 1 ? " file" : " shards"));
        for (SafetensorsFile shard : shards) {
            out.println("metadata: " + shard.source() + ": " + shard.metadata().size() + " keys");
            shard.metadata().forEach((k, v) -> out.printf("  %s = %s%n", k, MetadataValue.string(v).display(8)));
        }
        List<SafetensorsTensorInfo> infos = model.tensorInfos();
        long total = infos.stream().mapToLong(SafetensorsTensorInfo::byteSize).sum();
        out.println("tensors:  " + infos.size() + " (" + bytes(total) + ")");
        if (!tensors || infos.isEmpty()) {
            return;
        }
        boolean sharded = shards.size() > 1;
        String[][] rows = new String[infos.size()][];
        for (int i = 0; i < rows.length; i++) {
            SafetensorsTensorInfo t = infos.get(i);
            String offset = Long.toString(t.begin());
            rows[i] = sharded
                    ? new String[] {t.name(), t.dtype().name(), Arrays.toString(t.shape()), offset, Long.toString(t.byteSize()), Path.of(t.file()).getFileName().toString()}
                    : new String[] {t.name(), t.dtype().name(), Arrays.toString(t.shape()), offset, Long.toString(t.byteSize())};
        }
        table(out, sharded ? new String[] {"name", "dtype", "shape", "offset", "bytes", "file"} : new String[] {"name", "dtype", "shape", "offset", "bytes"}, rows);
    }

    /** Left-aligned text columns, right-aligned numbers (offset, bytes). */
    private static void table(PrintStream out, String[] header, String[][] rows) {
        int[] w = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            w[c] = header[c].length();
            for (String[] r : rows) {
                w[c] = Math.max(w[c], r[c].length());
            }
        }
        StringBuilder fmt = new StringBuilder("  ");
        for (int c = 0; c < header.length; c++) {
            boolean number = header[c].equals("offset") || header[c].equals("bytes");
            fmt.append('%').append(number ? "" : "-").append(w[c]).append('s').append(c + 1 < header.length ? "  " : "%n");
        }
        out.printf(fmt.toString(), (Object[]) header);
        for (String[] r : rows) {
            out.printf(fmt.toString(), (Object[]) r);
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}

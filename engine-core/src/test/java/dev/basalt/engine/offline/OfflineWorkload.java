package dev.basalt.engine.offline;

import dev.basalt.engine.GenerationOptions;
import dev.basalt.engine.GenerationResult;
import dev.basalt.engine.Generator;
import dev.basalt.engine.Model;
import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.manifest.HashProgress;
import dev.basalt.gguf.manifest.ModelManifest;
import dev.basalt.tokenizer.Tokenizer;
import dev.basalt.tokenizer.Tokenizers;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a library user does, in a JVM of its own for {@link NoSocketTest}: read a GGUF file, verify it against
 * its manifest, load the model, tokenize, generate. With {@code --open-socket} it then also opens a socket, the
 * control that shows the test can see one.
 */
public final class OfflineWorkload {
    public static final String DONE = "workload done: ";

    private OfflineWorkload() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        ModelManifest.read(Path.of(args[1])).verifyModel(model, HashProgress.NONE);
        try (GgufFile gguf = GgufFile.open(model)) {
            Tokenizer tokenizer = Tokenizers.fromGguf(gguf.metadata());
            System.out.println("tokens: " + Arrays.toString(tokenizer.encode("Once upon a time")));
        }
        try (Model m = Model.load(model);
             Generator generator = m.newGenerator(GenerationOptions.builder().maxTokens(8).build())) {
            GenerationResult r = generator.generate("Once upon a time", token -> System.out.print(token.text()));
            System.out.println();
            System.out.println(DONE + r.generatedTokens() + " tokens");
        }
        if (args.length > 2 && args[2].equals("--open-socket")) {
            try (SocketChannel ch = SocketChannel.open()) {
                ch.connect(new InetSocketAddress("127.0.0.1", 9));
            } catch (java.io.IOException refused) {
                System.out.println("socket control: " + refused.getMessage());
            }
        }
    }
}

package net.dl4jnets.common.data;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.io.UserError;

/**
 * A text for character-level language modelling: decoded as strict UTF-8, split by position into 90% training and
 * 10% validation text, with the vocabulary (the distinct characters) taken from the training part only.
 */
public final class TextCorpus {
    /** Tiny Shakespeare (Karpathy's char-rnn), the default corpus, fetched and checked like Fashion-MNIST. */
    public static final URI SHAKESPEARE_URL =
            URI.create("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt");
    public static final String SHAKESPEARE_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed";
    /** The first 90% trains, the next 5% validates (picks the epoch), the last 5% tests once at the end. */
    public static final double TRAIN_SHARE = 0.9;
    public static final double VALIDATION_SHARE = 0.05;

    private final String source;
    private final Vocabulary vocabulary;
    private final int[] train;
    private final int[] validation;
    private final int[] test;
    private final int droppedFromValidation;

    private TextCorpus(String source, Vocabulary vocabulary, int[] train, int[] validation, int[] test, int dropped) {
        this.source = source;
        this.vocabulary = vocabulary;
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.droppedFromValidation = dropped;
    }

    /** The characters a model knows, in a fixed order: index i is the i-th input and output unit. */
    public record Vocabulary(String chars) {
        public int size() {
            return chars.length();
        }

        public int index(char c) {
            return chars.indexOf(c);
        }

        public char charAt(int i) {
            return chars.charAt(i);
        }

        public int[] encode(String text) {
            int[] out = new int[text.length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = index(text.charAt(i));
            }
            return out;
        }

        /** Characters of text that this vocabulary lacks, or an empty string. */
        public String unknown(String text) {
            StringBuilder sb = new StringBuilder();
            text.chars().filter(c -> chars.indexOf(c) < 0).distinct().forEach(c -> sb.append((char) c));
            return sb.toString();
        }

        public static Vocabulary of(String text) {
            TreeSet<Character> set = new TreeSet<>();
            for (int i = 0; i < text.length(); i++) {
                set.add(text.charAt(i));
            }
            StringBuilder sb = new StringBuilder();
            set.forEach(sb::append);
            return new Vocabulary(sb.toString());
        }

        public void save(Path file) {
            Json.write(Map.of("chars", chars, "size", size()), file);
        }

        public static Vocabulary load(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new UserError(file + ": no vocabulary here; is this a text model's run folder?");
            }
            Object chars = Json.read(file, Map.class).get("chars");
            if (!(chars instanceof String s) || s.isEmpty()) {
                throw new UserError(file + ": not a vocabulary file (no \"chars\").");
            }
            return new Vocabulary(s);
        }
    }

    /**
     * Reads a UTF-8 text file. An empty, binary or non-UTF-8 file, or one too short to give both parts at least
     * {@code minPartLength} characters, is refused with a message naming it.
     */
    public static TextCorpus load(Path file, int minPartLength) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("Corpus " + file + " does not exist or is not a file.");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("Corpus " + file + " could not be read: " + e.getMessage());
        }
        return of(file.toString(), bytes, minPartLength);
    }

    static TextCorpus of(String name, byte[] bytes, int minPartLength) {
        if (bytes.length == 0) {
            throw new UserError("Corpus " + name + " is empty; give a text file with some pages of writing.");
        }
        for (int i = 0; i < Math.min(bytes.length, 1 << 16); i++) {
            if (bytes[i] == 0) {
                throw new UserError("Corpus " + name + " looks binary (it contains NUL bytes); give a UTF-8 text file.");
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UserError("Corpus " + name + " is not valid UTF-8 text (" + e.getMessage()
                    + "); convert it, for example with iconv -t UTF-8.");
        }
        int split = (int) Math.round(text.length() * TRAIN_SHARE);
        int testStart = (int) Math.round(text.length() * (TRAIN_SHARE + VALIDATION_SHARE));
        String trainText = text.substring(0, split);
        String valText = text.substring(split, testStart);
        String testText = text.substring(testStart);
        if (trainText.length() < minPartLength || valText.length() < minPartLength
                || testText.length() < minPartLength) {
            throw new UserError(String.format("Corpus %s has %,d characters: too short. Its 5%% validation and 5%% "
                    + "test parts must each hold at least one sequence of %,d characters, so it needs at least %,d; "
                    + "give a longer text or shorter sequences (--seq-length, --block-size).", name, text.length(),
                    minPartLength,
                    (int) Math.ceil(minPartLength / VALIDATION_SHARE) + 1));
        }
        Vocabulary v = Vocabulary.of(trainText);
        int[] val = v.encode(valText);
        int[] test = v.encode(testText);
        int[] keptVal = Arrays.stream(val).filter(i -> i >= 0).toArray();
        int[] keptTest = Arrays.stream(test).filter(i -> i >= 0).toArray();
        return new TextCorpus(name, v, v.encode(trainText), keptVal, keptTest,
                val.length - keptVal.length + test.length - keptTest.length);
    }

    public String source() {
        return source;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public int[] train() {
        return train;
    }

    public int[] validation() {
        return validation;
    }

    /** The held-out test part (the last 5%), looked at once, after training. */
    public int[] test() {
        return test;
    }

    /** Validation and test characters that the training part never uses, left out of both. */
    public int droppedFromValidation() {
        return droppedFromValidation;
    }

    /** Where the default corpus is cached: data/tinyshakespeare/input.txt, downloaded and verified on first use. */
    public static Path shakespeare() {
        Path target = DataPaths.home().resolve("data").resolve("tinyshakespeare").resolve("input.txt");
        if (Files.isRegularFile(target)) {
            return target;
        }
        String mirror = System.getenv("SHAKESPEARE_URL");
        URI from = mirror != null && !mirror.isBlank() ? URI.create(mirror) : SHAKESPEARE_URL;
        System.out.println("Tiny Shakespeare is not in " + target.getParent() + "; downloading it from " + from);
        VerifiedDownload.fetch(from, target, VerifiedDownload.sha256(SHAKESPEARE_SHA256));
        return target;
    }
}

package org.deeptoy.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Finds the files of a dataset, in this order: a directory given in code; the system property
 * {@code deeptoy.data} and the environment variable {@code DEEPTOY_DATA} (folders holding
 * {@code iris/, mnist/, fashion-mnist/, cifar-10/}); the user cache {@code ~/.deeptoy/datasets}
 * (system property {@code deeptoy.cache}); Debian's {@code /usr/share/datasets}; otherwise it
 * downloads into the cache from the official sources (or from the mirror in the system property
 * {@code deeptoy.mirror}, laid out as {@code <mirror>/<folder>/<official file name>}), unless the
 * system property {@code deeptoy.download} is {@code false}.
 *
 * <p>A download is written to a temporary file in the cache folder, its checksum verified, and only
 * then moved into place atomically, so the cache never holds a partial or unverified file.
 */
final class DataLocator {
    /** The user cache, relative to the home directory. */
    static final String CACHE = ".deeptoy/datasets";
    private static final List<Path> SYSTEM_ROOTS = List.of(Path.of("/usr/share/datasets"));

    private final Path propertyRoot;
    private final Path envRoot;
    private final Path cache;
    private final List<Path> systemRoots;
    private final String mirror;
    private final boolean download;
    private final Consumer<String> log;

    DataLocator(Path propertyRoot, Path envRoot, Path cache, List<Path> systemRoots, String mirror, boolean download,
                Consumer<String> log) {
        this.propertyRoot = propertyRoot;
        this.envRoot = envRoot;
        this.cache = cache;
        this.systemRoots = List.copyOf(systemRoots);
        this.mirror = mirror;
        this.download = download;
        this.log = log;
    }

    static DataLocator fromEnvironment() {
        String cacheProperty = System.getProperty("deeptoy.cache");
        Path cache = cacheProperty != null && !cacheProperty.isBlank() ? Path.of(cacheProperty)
                : Path.of(System.getProperty("user.home"), CACHE);
        return new DataLocator(path(System.getProperty("deeptoy.data")), path(System.getenv("DEEPTOY_DATA")), cache,
                SYSTEM_ROOTS, System.getProperty("deeptoy.mirror"),
                !"false".equalsIgnoreCase(System.getProperty("deeptoy.download")), System.err::println);
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    Path cache() {
        return cache;
    }

    // ---- what a dataset consists of -------------------------------------------------------

    /** A file checksum; {@code ofContent} means of the gunzipped bytes when the file is gzip. */
    record Checksum(String algorithm, String hex, boolean ofContent) {
        static Checksum sha256(String hex) {
            return new Checksum("SHA-256", hex, false);
        }

        static Checksum md5(String hex) {
            return new Checksum("MD5", hex, false);
        }

        /** Of the uncompressed content: official {@code .gz} files and re-compressed copies both match. */
        static Checksum sha256OfContent(String hex) {
            return new Checksum("SHA-256", hex, true);
        }

        @Override
        public String toString() {
            return algorithm.toLowerCase().replace("-", "") + (ofContent ? " (uncompressed)" : "") + " " + hex;
        }
    }

    /** Turns a downloaded, verified file into the dataset's files in {@code dir}. */
    interface Unpack {
        void install(Path downloaded, Path dir, DataLocator locator) throws IOException;
    }

    /** One file to download, its checksum, and the dataset files it {@code provides}. */
    record Download(String remoteName, Checksum checksum, List<String> provides, Unpack unpack) {
        /** A download that is itself one of the dataset's files. */
        static Download asIs(String remoteName, Checksum checksum) {
            return new Download(remoteName, checksum, List.of(remoteName),
                    (file, dir, locator) -> locator.moveInto(file, dir.resolve(remoteName)));
        }
    }

    /**
     * A dataset: its folder name, its files (each a list of accepted names, e.g. {@code x.gz} or
     * {@code x}), official download locations, and hints for getting it by hand.
     */
    record Source(String title, String folder, List<List<String>> files, List<String> mirrors,
                  List<Download> downloads, List<String> hints) {
    }

    /** The folder a dataset was found in, and its files by their first accepted name. */
    record Located(Path dir, Map<String, Path> files) {
        Path file(String name) {
            Path p = files.get(name);
            if (p == null) throw new IllegalArgumentException("no file " + name + " in " + files.keySet());
            return p;
        }
    }

    // ---- finding -------------------------------------------------------------------------

    /** Finds (or downloads) the files of {@code source}; {@code given} is a directory named in code, or null. */
    Located locate(Source source, Path given) {
        if (given != null) {
            given = given.toAbsolutePath();
            Located found = lookIn(source, given);
            if (found == null) found = lookIn(source, given.resolve(source.folder()));
            if (found != null) return found;
            throw new DatasetException(source.title() + " not found in the directory given, " + given
                    + " (looked there" + missing(source, given) + " and in " + given.resolve(source.folder())
                    + missing(source, given.resolve(source.folder())) + "). Expected files: " + expected(source)
                    + ". Leave the directory out to use DEEPTOY_DATA, the cache or a download.");
        }
        List<String> looked = new ArrayList<>();
        if (propertyRoot != null) {
            Located found = lookIn(source, propertyRoot.resolve(source.folder()));
            if (found != null) return found;
            looked.add("system property deeptoy.data=" + propertyRoot + ": " + propertyRoot.resolve(source.folder())
                    + missing(source, propertyRoot.resolve(source.folder())));
        }
        if (envRoot == null) {
            looked.add("environment variable DEEPTOY_DATA: not set");
        } else {
            Located found = lookIn(source, envRoot.resolve(source.folder()));
            if (found != null) return found;
            looked.add("environment variable DEEPTOY_DATA=" + envRoot + ": " + envRoot.resolve(source.folder())
                    + missing(source, envRoot.resolve(source.folder())));
        }
        Path cached = cache.resolve(source.folder());
        Located found = lookIn(source, cached);
        if (found != null) return found;
        looked.add("user cache: " + cached + missing(source, cached));
        for (Path root : systemRoots) {
            Path dir = root.resolve(source.folder());
            found = lookIn(source, dir);
            if (found != null) return found;
            looked.add("system datasets folder: " + dir + missing(source, dir));
        }
        if (!download) {
            looked.add("download: switched off (system property deeptoy.download=false)");
        } else {
            try {
                downloadInto(source, cached);
                found = lookIn(source, cached);
                if (found != null) return found;
                looked.add("download into " + cached + ": finished but files are still missing" + missing(source, cached));
            } catch (DatasetException e) {
                looked.add("download: " + e.getMessage().replace("\n", "\n      "));
            }
        }
        StringBuilder m = new StringBuilder(source.title()).append(" not found. Looked in:");
        for (String l : looked) m.append("\n  - ").append(l);
        m.append("\nExpected files: ").append(expected(source)).append("\nHow to get it:");
        m.append("\n  - on a computer with internet access, call the loader again: it downloads ")
                .append(source.title()).append(" from ").append(String.join(" or ", mirrors(source)))
                .append(" into ").append(cached).append(" and verifies the checksums");
        m.append("\n  - or put the files into a folder <data>/").append(source.folder())
                .append("/ and set the environment variable DEEPTOY_DATA=<data> (or pass the folder to the loader)");
        for (String h : source.hints()) m.append("\n  - ").append(h.replace("<cache>", cached.toString()));
        throw new DatasetException(m.toString());
    }

    /** The dataset's files in {@code dir}, or null if any is missing. */
    static Located lookIn(Source source, Path dir) {
        if (!Files.isDirectory(dir)) return null;
        Map<String, Path> files = new LinkedHashMap<>();
        for (List<String> names : source.files()) {
            Path hit = null;
            for (String name : names) {
                Path p = dir.resolve(name);
                if (Files.isRegularFile(p)) {
                    hit = p;
                    break;
                }
            }
            if (hit == null) return null;
            files.put(names.get(0), hit);
        }
        return new Located(dir, files);
    }

    private static String missing(Source source, Path dir) {
        if (!Files.isDirectory(dir)) return " (no such folder)";
        List<String> absent = new ArrayList<>();
        for (List<String> names : source.files()) {
            if (names.stream().noneMatch(n -> Files.isRegularFile(dir.resolve(n)))) absent.add(names.get(0));
        }
        return " (missing " + String.join(", ", absent) + ")";
    }

    private static String expected(Source source) {
        List<String> s = new ArrayList<>();
        for (List<String> names : source.files()) s.add(String.join(" or ", names));
        return String.join("; ", s);
    }

    private List<String> mirrors(Source source) {
        if (mirror == null || mirror.isBlank()) return source.mirrors();
        return List.of(mirror.replaceAll("/+$", "") + "/" + source.folder() + "/");
    }

    // ---- downloading ---------------------------------------------------------------------

    /** Downloads every file of {@code source} that {@code dir} lacks; throws with every reason on failure. */
    void downloadInto(Source source, Path dir) {
        boolean created = !Files.isDirectory(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DatasetException("cannot create the cache folder " + dir + ": " + e, e);
        }
        try {
            for (Download d : source.downloads()) {
                if (d.provides().stream().allMatch(name -> present(source, dir, name))) continue;
                Path file = fetch(source, d, dir);
                try {
                    d.unpack().install(file, dir, this);
                } catch (IOException e) {
                    throw new DatasetException("cannot unpack " + d.remoteName() + " into " + dir + ": " + e, e);
                } finally {
                    deleteQuietly(file);
                }
            }
        } finally {
            if (created) deleteIfEmpty(dir);
        }
    }

    private static boolean present(Source source, Path dir, String name) {
        for (List<String> names : source.files()) {
            if (names.contains(name)) return names.stream().anyMatch(n -> Files.isRegularFile(dir.resolve(n)));
        }
        return Files.isRegularFile(dir.resolve(name));
    }

    /** Downloads {@code d} into a temporary file in {@code dir}, trying each mirror; the result is verified. */
    private Path fetch(Source source, Download d, Path dir) {
        List<String> failures = new ArrayList<>();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        for (String base : mirrors(source)) {
            URI uri = URI.create(base + d.remoteName());
            Path tmp = null;
            try {
                tmp = Files.createTempFile(dir, "." + d.remoteName() + ".", ".part");
                log.accept("Downloading " + source.title() + ": " + uri + " ...");
                HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(uri).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    if (r.statusCode() != 200) {
                        failures.add(uri + ": HTTP status " + r.statusCode());
                        deleteQuietly(tmp);
                        continue;
                    }
                    try (OutputStream out = Files.newOutputStream(tmp)) {
                        in.transferTo(out);
                    }
                }
                String got = digest(tmp, d.checksum());
                if (!got.equalsIgnoreCase(d.checksum().hex())) {
                    failures.add(uri + ": checksum mismatch, " + d.checksum().algorithm() + " is " + got + ", expected "
                            + d.checksum() + "; the file was not kept (changed upstream, or a proxy answered instead?)");
                    deleteQuietly(tmp);
                    continue;
                }
                log.accept("Downloaded " + uri + " (" + Files.size(tmp) + " bytes, " + d.checksum().algorithm() + " ok)");
                return tmp;
            } catch (InterruptedException e) {
                deleteQuietly(tmp);
                Thread.currentThread().interrupt();
                throw new DatasetException("download of " + uri + " interrupted", e);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(tmp);
                boolean offline = e instanceof java.net.ConnectException || e instanceof java.net.UnknownHostException
                        || e instanceof java.net.http.HttpConnectTimeoutException;
                failures.add(uri + ": " + e + (offline ? " (no network connection?)" : ""));
            }
        }
        throw new DatasetException("could not download " + d.remoteName() + ":\n" + String.join("\n", failures));
    }

    /**
     * Writes {@code name} into {@code dir} through a temporary file, verifies it against
     * {@code expected}, and only then moves it into place atomically.
     */
    void install(Path dir, String name, Checksum expected, Writer writer) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + name + ".", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            String got = digest(tmp, expected);
            if (!got.equalsIgnoreCase(expected.hex())) {
                throw new DatasetException(name + ": checksum mismatch, " + expected.algorithm() + " is " + got
                        + ", expected " + expected + "; the file was not kept");
            }
            moveInto(tmp, dir.resolve(name));
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Writes the content of a file being installed. */
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    void moveInto(Path verified, Path target) throws IOException {
        Files.move(verified, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log.accept("Saved " + target);
    }

    static String digest(Path file, Checksum checksum) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(checksum.algorithm());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        boolean gunzip = checksum.ofContent() && IdxReader.isGzip(file);
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = new DigestInputStream(gunzip ? new GZIPInputStream(raw, 1 << 16) : raw, md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover ".part" file is harmless: it never has a dataset file's name
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try (var s = Files.list(dir)) {
            if (s.findAny().isEmpty()) Files.delete(dir);
        } catch (IOException ignored) {
            // leaving an empty folder behind is harmless
        }
    }

    // ---- archives ------------------------------------------------------------------------

    /** Installs the members of a {@code .tar.gz} whose base names are keys of {@code members}, each verified. */
    static Unpack tarMembers(Map<String, Checksum> members) {
        return (archive, dir, locator) -> {
            Map<String, Checksum> wanted = new LinkedHashMap<>(members);
            try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
                byte[] header = new byte[512];
                while (in.readNBytes(header, 0, 512) == 512 && !allZero(header)) {
                    String name = tarString(header, 0, 100);
                    if (new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
                        String prefix = tarString(header, 345, 155);
                        if (!prefix.isEmpty()) name = prefix + "/" + name;
                    }
                    long size = Long.parseLong(tarString(header, 124, 12).trim().isEmpty() ? "0"
                            : tarString(header, 124, 12).trim(), 8);
                    char type = (char) header[156];
                    String base = name.substring(name.lastIndexOf('/') + 1);
                    Checksum c = (type == '0' || type == 0) ? wanted.remove(base) : null;
                    if (c != null) {
                        locator.install(dir, base, c, out -> copyExactly(in, out, size, archive));
                    } else {
                        skipExactly(in, size, archive);
                    }
                    skipExactly(in, (512 - size % 512) % 512, archive);
                }
            }
            if (!wanted.isEmpty()) {
                throw new DatasetException(archive.getFileName() + ": the archive lacks " + wanted.keySet());
            }
        };
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static String tarString(byte[] b, int from, int len) {
        int end = from;
        while (end < from + len && b[end] != 0) end++;
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    private static void copyExactly(InputStream in, OutputStream out, long n, Path archive) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) throw new DatasetException(archive + ": the archive ends in the middle of a file");
            out.write(buf, 0, r);
            n -= r;
        }
    }

    private static void skipExactly(InputStream in, long n, Path archive) throws IOException {
        copyExactly(in, OutputStream.nullOutputStream(), n, archive);
    }
}

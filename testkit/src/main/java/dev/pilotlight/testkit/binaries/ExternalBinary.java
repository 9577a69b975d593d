package dev.pilotlight.testkit.binaries;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A program from a Debian package that tests start on loopback. {@link #require()} finds it on the
 * PATH (or where Debian puts it) or fails with how to get it: {@code ./pilotlight test} installs
 * every such package (its list is in the {@code pilotlight} script).
 */
public record ExternalBinary(String debianPackage, List<String> names) {
    public static final ExternalBinary ALERTMANAGER = new ExternalBinary("prometheus-alertmanager",
            List.of("prometheus-alertmanager", "alertmanager"));
    public static final ExternalBinary VICTORIA_METRICS = new ExternalBinary("victoria-metrics", List.of("victoria-metrics"));
    public static final ExternalBinary NODE = new ExternalBinary("nodejs", List.of("node"));

    public Optional<Path> find() {
        Stream<Path> dirs = Stream.concat(
                Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).filter(d -> !d.isBlank()).map(Path::of),
                Stream.of(Path.of("/usr/bin"), Path.of("/usr/local/bin")));
        return dirs.flatMap(d -> names.stream().map(d::resolve)).filter(Files::isExecutable).findFirst();
    }

    public Path require() {
        return find().orElseThrow(() -> new IllegalStateException(names.get(0) + " is not installed (looked on PATH, /usr/bin and "
                + "/usr/local/bin): run ./pilotlight test, which installs Debian's " + debianPackage
                + " package, or apt-get install " + debianPackage));
    }
}

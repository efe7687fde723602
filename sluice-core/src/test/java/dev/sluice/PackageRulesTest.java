package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rules of the packages (which may use which) hold in the sources: {@code codec} uses no
 * other package of sluice, {@code net} not {@code codec}, and {@code download} only the public
 * API, so that it could live outside the module. A name written out in full counts as an import.
 */
class PackageRulesTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/sluice");
    private static final Pattern USE = Pattern.compile("\\bdev\\.sluice\\.(codec|net|engine|download)\\b");

    @ParameterizedTest(name = "{0} uses none of {1}")
    @CsvSource({
            "codec,    net engine download",
            "net,      codec engine download",
            "download, codec net engine",
    })
    void aPackageUsesOnlyWhatItMay(String pkg, String forbidden) throws IOException {
        List<String> forbiddenOnes = List.of(forbidden.trim().split(" +"));
        List<String> uses = new ArrayList<>();
        try (Stream<Path> files = Files.list(SOURCES.resolve(pkg))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = USE.matcher(lines.get(i));
                    while (m.find()) {
                        if (forbiddenOnes.contains(m.group(1))) {
                            uses.add(file.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
                        }
                    }
                }
            }
        }
        assertThat(uses).as("uses of %s in %s", forbiddenOnes, pkg).isEmpty();
    }

    @Test
    void theSourcesAreWhereTheRulesLookForThem() throws IOException {
        // Run from another directory, the rules above would check no file and pass.
        for (String pkg : List.of("codec", "net", "download")) {
            try (Stream<Path> files = Files.list(SOURCES.resolve(pkg))) {
                assertThat(files.filter(f -> f.toString().endsWith(".java")).count()).as(pkg).isGreaterThan(3);
            }
        }
    }
}

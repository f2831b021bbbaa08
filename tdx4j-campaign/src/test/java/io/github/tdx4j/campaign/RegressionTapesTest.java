package io.github.tdx4j.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Saved failing tapes stay fixed: each replays with every oracle holding (the "regression case"). */
class RegressionTapesTest {
    static List<Path> tapes() throws IOException, URISyntaxException {
        Path dir = Path.of(Objects.requireNonNull(RegressionTapesTest.class.getResource("/regression-tapes"),
                "src/test/resources/regression-tapes is missing").toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tapes")
    void savedTapeReplaysClean(Path file) throws IOException {
        TapeFile t = TapeFile.read(file);
        assertThat(t.version()).as("model version of %s", file.getFileName()).isEqualTo(CampaignRun.MODEL_VERSION);
        RunResult r = CampaignRun.run(RunSpec.of(t.seed(), t.tape()).withText());
        assertThat(r.violations()).as("replay of %s; trace:%n%s", file.getFileName(), String.join("\n", r.trace()))
                .isEmpty();
    }

    @Test
    @DisplayName("The regression corpus is not empty")
    void corpusExists() throws IOException, URISyntaxException {
        assertThat(tapes()).isNotEmpty();
    }
}

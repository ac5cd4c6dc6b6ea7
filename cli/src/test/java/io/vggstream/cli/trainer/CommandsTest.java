package io.vggstream.cli.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad input gets exit code 2 and a message that names the flag or the file. */
class CommandsTest {

    @TempDir
    Path dir;

    record Outcome(int code, String err) {}

    static Outcome run(Object command, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int code = cl.execute(args);
        return new Outcome(code, err.toString());
    }

    Outcome train(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--out";
        all[1] = dir.resolve("run").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return run(new TrainCommand(), all);
    }

    @Test
    void shouldNameCropWhenItIsNotAMultipleOf32() {
        Outcome o = train("--data", "fashion-mnist", "--crop", "100");

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--crop must be a positive multiple of 32, was 100");
    }

    @Test
    void shouldNameScaleWhenItIsSmallerThanTheCrop() {
        Outcome o = train("--data", "fashion-mnist", "--crop", "64", "--scale", "48");

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--scale 48 is smaller than the crop 64");
    }

    @Test
    void shouldNameArchWhenUnknown() {
        Outcome o = train("--data", "fashion-mnist", "--arch", "F");

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--arch: unknown config 'F': expected one of A, A-LRN, B, C, D, E");
    }

    @Test
    void shouldStillTakeTheVggLetterAfterConfigWithAWarningNamingArch() {
        // Rejected after parsing (crop), so nothing trains; the letter must have reached the recipe.
        Outcome letter = train("--data", "fashion-mnist", "--config", "B-5x5", "--crop", "100");

        assertThat(letter.code()).isEqualTo(2);
        assertThat(letter.err()).contains("warning: --config B-5x5 (a VGG configuration) is deprecated")
            .contains("use --arch B-5x5").contains("--crop must be a positive multiple of 32");
        TrainCommand parsed = new TrainCommand();
        new CommandLine(parsed).setErr(new PrintWriter(new StringWriter())).parseArgs("--out", "x", "--config", "E");
        assertThat(parsed.arch).isEqualTo("E");
        assertThat(parsed.settingsFile.file()).isEmpty();
    }

    @Test
    void shouldTakeTheSettingsFileWithConfigWithoutAWarning() throws IOException {
        Path settings = dir.resolve("trainer.conf");
        Files.writeString(settings, "vggstream.trainer.loader.threads = 0\n");
        TrainCommand parsed = new TrainCommand();
        StringWriter err = new StringWriter();
        new CommandLine(parsed).setErr(new PrintWriter(err)).parseArgs("--out", "x", "--arch", "D", "--config", settings.toString());

        assertThat(parsed.arch).isEqualTo("D");
        assertThat(parsed.settingsFile.file()).contains(settings);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldNameTheFolderWhenTheDatasetIsMissingOrEmpty() throws IOException {
        Path missing = dir.resolve("missing");
        Outcome gone = train("--data", missing.toString(), "--crop", "32");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Outcome nothing = train("--data", empty.toString(), "--crop", "32");

        assertThat(gone.code()).isEqualTo(2);
        assertThat(gone.err()).contains("dataset folder " + missing + " does not exist");
        assertThat(nothing.code()).isEqualTo(2);
        assertThat(nothing.err()).contains("dataset folder " + empty + " is empty");
    }

    @Test
    void shouldNameTheClassFolderWhenItHasNoImages() throws IOException {
        Files.createDirectories(dir.resolve("set/train/cat"));
        Files.write(dir.resolve("set/train/cat/a.png"), new byte[] {1});
        Files.createDirectories(dir.resolve("set/train/dog"));

        Outcome o = train("--data", dir.resolve("set").toString(), "--crop", "32");

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("class folder " + dir.resolve("set/train/dog") + " has no images");
    }

    @Test
    void shouldAskForDataAndOutWhenMissing() {
        Outcome noData = train();
        Outcome noOut = run(new TrainCommand(), "--data", "fashion-mnist");

        assertThat(noData.code()).isEqualTo(2);
        assertThat(noData.err()).contains("Missing required option: '--data=<data>'");
        assertThat(noOut.code()).isEqualTo(2);
        assertThat(noOut.err()).contains("Missing required option: '--out=<out>'");
    }

    @Test
    void shouldRefuseMoreEpochsThanThePaper() {
        Outcome o = train("--data", "fashion-mnist", "--epochs", "100");

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--epochs must be in 1..74");
    }

    @Test
    void shouldRejectAMalformedNumberNamingTheFlag() {
        Outcome o = train("--data", "fashion-mnist", "--width", "half");

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--width");
    }

    @Test
    void shouldNameCheckpointWhenExportFindsNone() {
        Path nowhere = dir.resolve("nowhere");

        Outcome o = run(new ExportCommand(), "--checkpoint", nowhere.toString(), "--out", dir.resolve("x").toString());

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--checkpoint " + nowhere + ": no checkpoint there");
    }

    @Test
    void shouldNameAnUnknownTrainerSettingGivenToExport() throws IOException {
        Path settings = dir.resolve("export.conf");
        Files.writeString(settings, "vggstream.trainer.eval-batch = 2\n");
        Outcome o = run(new ExportCommand(), "--checkpoint", dir.toString(), "--out", dir.resolve("x").toString(),
                "--config", settings.toString());

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("vggstream.trainer.eval-batch").contains(settings.toString());
    }

    @Test
    void shouldNameResumeWhenThereIsNothingToResume() {
        Outcome o = train("--resume");

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--resume " + dir.resolve("run") + ": no checkpoint there");
    }

    @Test
    void shouldNameAnUnknownTrainerSettingInTheSettingsFile() throws IOException {
        Path settings = dir.resolve("trainer.conf");
        Files.writeString(settings, "vggstream.trainer.loader.thread = 2\n");
        Outcome o = train("--data", "fashion-mnist", "--config", settings.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("vggstream.trainer.loader.thread").contains(settings.toString());
        assertThat(o.err()).doesNotContain("warning");
    }

    @Test
    void shouldStillReadTheSettingsFileGivenWithSettingsWithAWarningNamingConfig() throws IOException {
        Path settings = dir.resolve("trainer.conf");
        Files.writeString(settings, "vggstream.trainer.loader.thread = 2\n");
        Outcome o = train("--data", "fashion-mnist", "--settings", settings.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("warning: --settings is deprecated").contains("use --config")
            .contains("vggstream.trainer.loader.thread").contains(settings.toString());
    }
}

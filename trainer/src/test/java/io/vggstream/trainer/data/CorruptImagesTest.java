package io.vggstream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class CorruptImagesTest {

    @Test
    void shouldWarnOncePerFileButCountEveryFailure() {
        Logger logger = (Logger) LoggerFactory.getLogger(CorruptImages.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            CorruptImages corrupt = new CorruptImages();

            corrupt.skip(Path.of("a.jpg"), "bad huffman table");
            corrupt.skip(Path.of("a.jpg"), "bad huffman table");
            corrupt.skip(Path.of("b.png"), "truncated");

            assertThat(corrupt.skipped()).isEqualTo(3);
            assertThat(corrupt.files()).isEqualTo(2);
            assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                    .containsExactly("skipping unreadable image a.jpg: bad huffman table",
                            "skipping unreadable image b.png: truncated");
        } finally {
            logger.detachAppender(appender);
        }
    }
}

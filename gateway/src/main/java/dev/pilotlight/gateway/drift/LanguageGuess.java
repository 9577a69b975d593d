package dev.pilotlight.gateway.drift;

import com.optimaize.langdetect.LanguageDetector;
import com.optimaize.langdetect.LanguageDetectorBuilder;
import com.optimaize.langdetect.i18n.LdLocale;
import com.optimaize.langdetect.ngram.NgramExtractors;
import com.optimaize.langdetect.profiles.LanguageProfileReader;
import com.optimaize.langdetect.text.CommonTextObjectFactories;
import com.optimaize.langdetect.text.TextObjectFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The language of a text by character n-grams (optimaize language-detector, 70 built-in profiles): an ISO 639-1 code, or "und". */
public final class LanguageGuess {
    public static final String UNDETERMINED = "und";
    private final LanguageDetector detector;
    private final TextObjectFactory texts = CommonTextObjectFactories.forDetectingShortCleanText();

    public LanguageGuess() {
        try {
            detector = LanguageDetectorBuilder.create(NgramExtractors.standard())
                    .withProfiles(new LanguageProfileReader().readAllBuiltIn()).build();
        } catch (IOException e) {
            throw new UncheckedIOException("language profiles missing from the classpath", e);
        }
    }

    public String of(String text) {
        if (text == null || text.isBlank()) {
            return UNDETERMINED;
        }
        return detector.detect(texts.forText(text)).transform(LdLocale::getLanguage).or(UNDETERMINED);
    }
}

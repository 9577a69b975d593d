package dev.pilotlight.gateway.drift;

import com.optimaize.langdetect.LanguageDetector;
import com.optimaize.langdetect.LanguageDetectorBuilder;
import com.optimaize.langdetect.i18n.LdLocale;
import com.optimaize.langdetect.ngram.NgramExtractors;
import com.optimaize.langdetect.profiles.BuiltInLanguages;
import com.optimaize.langdetect.profiles.LanguageProfile;
import com.optimaize.langdetect.profiles.LanguageProfileReader;
import com.optimaize.langdetect.text.CommonTextObjectFactories;
import com.optimaize.langdetect.text.TextObjectFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The language of a text by character n-grams (optimaize language-detector): an ISO 639-1 code, or "und".
 * It chooses among the given languages, or all 70 built-in profiles when none are given; each profile
 * costs heap (70: ~84 MB, 24: ~22 MB, 4: ~8 MB), so a gateway loads only what its routes name.
 */
public final class LanguageGuess {
    public static final String UNDETERMINED = "und";
    /** The codes of the built-in profiles (what a catalog's {@code languages} may name). */
    public static final Set<String> KNOWN = BuiltInLanguages.getLanguages().stream().map(LdLocale::toString)
            .collect(Collectors.toUnmodifiableSet());
    private final LanguageDetector detector;
    private final TextObjectFactory texts = CommonTextObjectFactories.forDetectingShortCleanText();

    /** Every built-in language. */
    public LanguageGuess() {
        this(Set.of());
    }

    /** @param languages codes from {@link #KNOWN}; empty = all of them */
    public LanguageGuess(Collection<String> languages) {
        try {
            LanguageProfileReader reader = new LanguageProfileReader();
            List<LanguageProfile> profiles = languages.isEmpty() ? reader.readAllBuiltIn()
                    : reader.readBuiltIn(languages.stream().map(LdLocale::fromString).toList());
            detector = LanguageDetectorBuilder.create(NgramExtractors.standard()).withProfiles(profiles).build();
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

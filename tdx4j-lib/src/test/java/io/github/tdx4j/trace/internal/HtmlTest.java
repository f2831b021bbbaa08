package io.github.tdx4j.trace.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one escaping function every value on an HTML page goes through. */
class HtmlTest {
    @Test
    @DisplayName("esc: the five markup characters become character references, so no value can open a tag or leave an attribute")
    void markupCharacters() {
        assertThat(Html.esc("<script>alert('x')</script>&\"")).isEqualTo(
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;");
    }

    @Test
    @DisplayName("esc: control characters and lone surrogates become U+FFFD; tab, newline and a surrogate pair are kept")
    void controlsAndSurrogates() {
        assertThat(Html.esc("a\u0000b\u001bc\u007fd\ud800e\tf\ng\ud83d\ude00")).isEqualTo(
                "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\tf\ng\ud83d\ude00");
    }

    @Test
    @DisplayName("text and attr escape; an attribute value with a quote cannot add an attribute")
    void textAndAttr() {
        Html h = new Html();
        h.open("td").attr("title", "\" onmouseover=\"alert(1)").end().text("<b>").close("td");
        String out = h.finish();
        assertThat(out).startsWith("<td title=\"&quot; onmouseover=&quot;alert(1)\">&lt;b&gt;</td>");
    }
}

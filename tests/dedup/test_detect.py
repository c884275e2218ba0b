import random

from helpers import SEED_000, SEED_001, seed, segmented

from dedupe_audit.config import Config
from dedupe_audit.dedup.detect import detect_duplicates
from dedupe_audit.model import ParagraphRef

PARAGRAPH_60 = (
    "The city council voted on Tuesday evening to approve a new budget that raises spending on "
    "public transport by nearly twelve percent while cutting funds for road repairs, a decision that "
    "drew sharp criticism from several business groups who argued that the move would hurt "
    "local shops and delivery companies already struggling with higher fuel costs and wages, officials said"
)


def _clusters_by_line(segs, clusters):
    out = []
    for c in clusters:
        members = {(segs[m.ref.doc].document.path, segs[m.ref.doc].paragraphs[m.ref.index].line)
                   for m in c.members}
        containers = {(segs[x.container.doc].document.path,
                       segs[x.container.doc].paragraphs[x.container.index].line)
                      for x in c.containers}
        out.append((c, members, containers))
    return out


def test_seed_cnn_block_found_in_both_pages_and_inside_the_long_line():
    segs = [seed(SEED_000), seed(SEED_001)]
    clusters = _clusters_by_line(segs, detect_duplicates(segs, Config()))
    name0, name1 = SEED_000.name, SEED_001.name
    by_first_line = {min(line for path, line in m if path == name0): (c, m, x)
                     for c, m, x in clusters if any(path == name0 for path, _ in m)}
    # lines 3..12 of 000 are the pasted CNN paragraphs, each also in 001 and in 001's line 5
    for line in range(3, 13):
        cluster, members, containers = by_first_line[line]
        assert any(path == name1 for path, _ in members), line
        assert (name1, 5) in containers, line
        assert cluster.kind == "exact"
    # the title line is a cross-file duplicate
    title, members, _ = by_first_line[2]
    assert {path for path, _ in members} == {name0, name1}


def test_seed_original_reporting_is_not_duplicated():
    segs = [seed(SEED_000), seed(SEED_001)]
    clusters = detect_duplicates(segs, Config())
    clustered = {m.ref for c in clusters for m in c.members}
    for doc, seg in enumerate(segs):
        for p in seg.paragraphs:
            nyt = doc == 0 and p.line in (1, *range(17, 24))
            cnn_2025 = doc == 1 and p.line >= 39
            if nyt or cnn_2025:
                assert ParagraphRef(doc, p.index) not in clustered, (doc, p.line, p.text[:60])


def test_containment_span_points_at_the_copy():
    segs = [seed(SEED_000), seed(SEED_001)]
    for cluster in detect_duplicates(segs, Config()):
        first = cluster.members[0].ref
        text = segs[first.doc].paragraphs[first.index].text
        for item in cluster.containers:
            holder = segs[item.container.doc].document.text
            assert item.fuzz >= 95
            assert holder[item.start : item.end].strip(" .") in text or item.fuzz >= 97


def test_ten_percent_edit_is_found_unrelated_same_topic_is_not():
    rng = random.Random(3)
    words = PARAGRAPH_60.split()
    assert len(words) == 60
    for i in rng.sample(range(60), 6):
        words[i] = "changed"
    edited = " ".join(words)
    same_topic = (
        "Business groups said on Wednesday that the council's budget vote would hurt local shops, "
        "and transport officials defended the higher spending on buses and trams as necessary "
        "for a growing city where fuel costs and road repairs remain a constant worry for many"
    )
    segs = [segmented(PARAGRAPH_60, "a.txt"), segmented(edited, "b.txt"),
            segmented(same_topic, "c.txt")]
    clusters = detect_duplicates(segs, Config())
    assert len(clusters) == 1
    cluster = clusters[0]
    assert cluster.kind == "near"
    assert {m.ref.doc for m in cluster.members} == {0, 1}
    assert 0.4 <= cluster.similarity < 1.0


def test_cyrillic_near_duplicates_match_like_english():
    uk = ("Президент України заявив, що переговори щодо припинення вогню тривають, однак Київ "
          "не погодиться на визнання окупованих територій частиною Росії за жодних умов.")
    ru = ("Президент Украины заявил, что переговоры о прекращении огня продолжаются, однако Киев "
          "не согласится на признание оккупированных территорий частью России ни при каких условиях.")
    edited = uk.replace("тривають", "продовжуються").replace("жодних умов", "жодних обставин")
    segs = [segmented(uk, "uk1.txt"), segmented(edited, "uk2.txt"), segmented(ru, "ru.txt")]
    clusters = detect_duplicates(segs, Config())
    assert [sorted(m.ref.doc for m in c.members) for c in clusters] == [[0, 1]]


def test_within_file_repeats_and_boilerplate_excluded():
    text = ("A paragraph that the site repeats twice on the same page for no reason.\n"
            "Something else entirely in between the copies here.\n"
            "A paragraph that the site repeats twice on the same page for no reason.\n"
            "Details\nDetails\n")
    segs = [segmented(text)]
    clusters = detect_duplicates(segs, Config())
    assert len(clusters) == 1
    assert [m.ref.index for m in clusters[0].members] == [0, 2]


def test_short_paragraph_contained_only_in_a_block_gets_a_contained_cluster():
    block = " ".join(
        f"Sentence number {i} talks about topic {i} with enough distinct words to count."
        for i in range(30)
    )
    inner = ("Sentence number 7 talks about topic 7 with enough distinct words to count. "
             "Sentence number 8 talks about topic 8 with enough distinct words to count.")
    segs = [segmented(block, "block.txt"), segmented(inner, "inner.txt")]
    clusters = detect_duplicates(segs, Config())
    assert len(clusters) == 1
    assert clusters[0].kind == "contained"
    assert clusters[0].containers[0].container == ParagraphRef(0, 0)


def test_results_do_not_depend_on_input_order():
    a, b = seed(SEED_000), seed(SEED_001)
    forward = detect_duplicates([a, b], Config())
    backward = detect_duplicates([b, a], Config())
    assert sorted(c.fingerprint for c in forward) == sorted(c.fingerprint for c in backward)


def _page_with_long_paragraphs(config):
    """Four paragraphs: short, long (windows), ordinary, long (windows); the last one marked boilerplate."""
    import dataclasses

    long = " ".join(f"Sentence {n} tells of the harbour, its ferries and the night crossing."
                    for n in range(6))
    text = "Too short here.\n\n" + long + "\n\nAn ordinary paragraph of body text, long enough.\n\n" + long
    seg = segmented(text, config=config)
    last = dataclasses.replace(seg.paragraphs[3], kind="boilerplate")
    return dataclasses.replace(seg, paragraphs=(*seg.paragraphs[:3], last))


def test_selected_keeps_eligible_paragraphs_each_with_its_own_windows_only():
    from dedupe_audit.dedup.detect import selected

    config = Config(long_paragraph_words=30, window_sentences=2)
    seg = _page_with_long_paragraphs(config)
    assert {w.paragraph for w in seg.windows} == {1, 3}
    chosen = selected(seg, config)
    # the short paragraph is too short, the boilerplate one (and so its windows) takes no part
    assert [index for index, _ in chosen] == [1, 2]
    assert [w.paragraph for w in chosen[0][1]] == [1] * len(chosen[0][1]) and len(chosen[0][1]) == 11
    assert list(chosen[1][1]) == []
    config = Config(long_paragraph_words=30, window_sentences=2, include_boilerplate=True)
    with_boilerplate = selected(seg, config)
    assert [index for index, _ in with_boilerplate] == [1, 2, 3]
    assert [w.start for w in with_boilerplate[2][1]] == [w.start for w in seg.windows if w.paragraph == 3]


def test_taking_part_drops_a_paragraph_of_few_real_words_and_its_windows_in_every_engine():
    from dedupe_audit.dedup.detect import selected, signed_here, taking_part

    config = Config(long_paragraph_words=8, window_sentences=1)
    dashes = "— — — — — — one. — — — — — — two. — — — — — — three."  # 21 words to the segmenter, 3 tokens
    words = "The ferry left at dawn today. It reached the island by noon. Everyone aboard was safe."
    seg = segmented(dashes + "\n\n" + words, config=config)
    assert [index for index, _ in selected(seg, config)] == [0, 1]  # both eligible by the segmenter's count
    [(batch, found, sigs)] = list(signed_here([seg], config))
    kept, windows, owner_rows = taking_part(batch, found, config)
    assert kept.tolist() == [1]
    assert owner_rows.tolist() == [1] * 3  # the three one-sentence windows of the second paragraph only
    assert [batch.windows[n].paragraph for n in windows.tolist()] == [1, 1, 1]
    assert sigs.shape == (2 + len(batch.windows), config.dedup.num_perm)

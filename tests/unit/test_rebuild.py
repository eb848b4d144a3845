"""plan_rebuild: which articles and pages a change forces to be rendered again."""

from __future__ import annotations

from dataclasses import replace

from archivist.build.changes import RebuildPlan, SiteState, plan_rebuild

A, B, C = "content/articles/a.md", "content/articles/b.md", "content/articles/c/index.md"


def state(**changes) -> SiteState:
    """A three-article site with an index, a keyword page showing a and b, and an about page."""
    base = SiteState(
        settings="s1",
        templates={"templates/base.html": "t1", "templates/static/site.css": "c1"},
        sources={A: "a1", B: "b1", C: "c1", "content/articles/c/chart.svg": "svg1"},
        listed={A: "la", B: "lb", C: "lc"},
        slugs={A: "a", B: "b", C: "c"},
        links={A: frozenset(), B: frozenset({"a"}), C: frozenset({"d"})},
        outputs={
            "index.html": (A, B, C),
            "keywords/ink/index.html": (A, B),
            "authors/kim/index.html": (C,),
            "about/index.html": (),
            "articles/a/index.html": (A,),
            "articles/b/index.html": (B,),
            "articles/c/index.html": (C,),
        },
        pages={"articles/a/index.html": A, "articles/b/index.html": B, "articles/c/index.html": C},
    )
    return replace(base, **changes)


SUMMARY = frozenset({("article", "title_html"), ("article", "url_path")})


def recorded(state: SiteState) -> SiteState:
    """The reads pages would have recorded: each page reads the summary of every other article it
    declares (by its listing facts), and a page that declares none reads the collections."""
    reads, seen = {}, {}
    everything = "|".join(f"{k}={v}" for k, v in sorted(state.listed.items()))
    for page, shown in state.outputs.items():
        owner = state.pages.get(page)
        found = [(("entry", s), SUMMARY, state.listed.get(s, "")) for s in shown if s != owner]
        if not shown and owner is None:
            found.append((("collections",), frozenset({("journals",)}), everything))
        reads[page] = tuple(found)
        for root, paths, digest in found:
            seen[(root, paths)] = digest
    contexts = {page: repr(shown) for page, shown in state.outputs.items()}
    return replace(state, reads=reads, seen=seen, contexts=contexts)


def planned(old: SiteState | None, new: SiteState) -> RebuildPlan:
    return plan_rebuild(recorded(old) if old is not None else None, recorded(new))


def edited(old: SiteState, path: str, digest: str, listed: str | None = None, **more) -> SiteState:
    sources = {**old.sources, path: digest}
    changes = {"sources": sources, **more}
    if listed is not None:
        changes["listed"] = {**old.listed, path: listed}
    return replace(old, **changes)


def test_first_build_is_full():
    plan = planned(None, state())
    assert plan.full and plan.reason == "first build"


def test_nothing_changed_means_nothing_to_do():
    plan = planned(state(), state())
    assert plan.nothing and not plan.full
    assert plan == RebuildPlan(reason="nothing relevant changed")


def test_settings_change_rebuilds_everything():
    plan = planned(state(), state(settings="s2"))
    assert plan.full and "settings" in plan.reason


def test_template_change_rebuilds_everything():
    old = state()
    new = replace(old, templates={**old.templates, "templates/base.html": "t2"})
    plan = planned(old, new)
    assert plan.full and "templates/base.html" in plan.reason


def test_new_template_file_rebuilds_everything():
    old = state()
    new = replace(old, templates={**old.templates, "templates/index.html": "n"})
    assert planned(old, new).full


def test_body_edit_renders_only_the_articles_own_page():
    old = state()
    plan = planned(old, edited(old, A, "a2"))
    assert not plan.full
    assert plan.articles == {A} and plan.relisted == frozenset()
    assert plan.outputs == {"articles/a/index.html"}


def test_retitling_renders_the_page_and_exactly_the_listings_that_show_it():
    old = state()
    plan = planned(old, edited(old, A, "a2", listed="la-retitled"))
    assert plan.relisted == {A}
    assert plan.outputs == {"articles/a/index.html", "index.html", "keywords/ink/index.html", "about/index.html"}
    assert "authors/kim/index.html" not in plan.outputs


def test_pages_that_declare_no_sources_are_assumed_to_list_everything():
    old = state()
    plan = planned(old, edited(old, C, "c2", listed="lc2"))
    assert "about/index.html" in plan.outputs  # declares nothing, so it may list C
    assert "keywords/ink/index.html" not in plan.outputs  # declares A and B only


def test_adding_an_article_renders_its_pages_and_the_listings_that_will_show_it():
    old = state()
    d = "content/articles/d.md"
    new = replace(
        old,
        sources={**old.sources, d: "d1"},
        listed={**old.listed, d: "ld"},
        slugs={**old.slugs, d: "d"},
        links={**old.links, d: frozenset()},
        outputs={**old.outputs, "index.html": (A, B, C, d), "keywords/new/index.html": (d,),
                 "articles/d/index.html": (d,)},
        pages={**old.pages, "articles/d/index.html": d},
    )
    plan = planned(old, new)
    assert plan.relisted == {d}
    # C links to the new slug 'd', so its link now resolves: C is rendered again too.
    assert plan.articles == {d, C}
    assert plan.outputs == {"articles/d/index.html", "articles/c/index.html", "index.html",
                            "keywords/new/index.html", "about/index.html"}


def test_adding_before_the_new_pages_are_known_names_the_changed_articles_pages():
    old = state()
    d = "content/articles/d.md"
    new = replace(old, sources={**old.sources, d: "d1"}, listed={**old.listed, d: "ld"},
                  slugs={**old.slugs, d: "d"}, outputs={}, pages={})
    plan = planned(old, new)
    assert plan.articles == {d, C}
    # Until the new pages are planned, only the changed articles' own pages are known (C links to d).
    assert plan.outputs == {"articles/c/index.html"}


def test_removing_an_article_renders_the_listings_that_showed_it_and_its_linkers():
    old = state()
    sources = {k: v for k, v in old.sources.items() if k != A}
    new = replace(
        old, sources=sources,
        listed={k: v for k, v in old.listed.items() if k != A},
        slugs={k: v for k, v in old.slugs.items() if k != A},
        links={k: v for k, v in old.links.items() if k != A},
        outputs={k: tuple(s for s in v if s != A) for k, v in old.outputs.items() if k != "articles/a/index.html"},
        pages={k: v for k, v in old.pages.items() if v != A},
    )
    plan = planned(old, new)
    assert plan.removed == {A} and plan.relisted == {A}
    assert plan.articles == {B}  # B links to 'a', which no longer resolves
    assert plan.outputs == {"articles/b/index.html", "index.html", "keywords/ink/index.html", "about/index.html"}


def test_bundle_asset_change_renders_its_article():
    old = state()
    plan = planned(old, edited(old, "content/articles/c/chart.svg", "svg2"))
    assert plan.articles == {C} and plan.outputs == {"articles/c/index.html"}


def test_site_data_outside_articles_rebuilds_everything():
    old = state()
    plan = planned(old, edited(old, "content/authors.yml", "x"))
    assert plan.full and "content/authors.yml" in plan.reason


def test_invalid_front_matter_counts_as_a_listing_change():
    old = state()
    new = edited(old, B, "b2", listed="")  # a state builder records '' for unreadable front-matter
    plan = planned(old, new)
    assert plan.relisted == {B} and B in plan.articles


def test_plan_is_pure():
    old, new = state(), edited(state(), A, "a2", listed="x")
    assert planned(old, new) == planned(old, new)
    assert old == state()


def test_an_article_page_listing_related_articles_follows_their_titles():
    old = state(outputs={**state().outputs, "articles/b/index.html": (B, A)})
    retitled = planned(old, edited(old, A, "a2", listed="la2"))
    assert "articles/b/index.html" in retitled.outputs
    body_only = planned(old, edited(old, A, "a3"))
    assert body_only.outputs == {"articles/a/index.html"}


def test_a_translation_retitled_or_relanguaged_renders_every_member_page():
    """B translates A: each page lists the other among its sources (plan.py), and links to it by language."""
    members = {"articles/a/index.html": (A, B), "articles/b/index.html": (B, A)}
    old = state(outputs={**state().outputs, **members})
    changed = planned(old, edited(old, B, "b2", listed="lb-now-in-korean"))
    assert {"articles/a/index.html", "articles/b/index.html"} <= changed.outputs
    assert "articles/c/index.html" not in changed.outputs
    body_only = planned(old, edited(old, B, "b3"))
    assert body_only.outputs == {"articles/b/index.html"}


def test_a_new_translation_renders_its_original_and_a_removed_one_too():
    d = "content/articles/d.md"
    old = state()
    new = replace(old, sources={**old.sources, d: "d1"}, listed={**old.listed, d: "ld"}, slugs={**old.slugs, d: "d"},
                  outputs={**old.outputs, "articles/a/index.html": (A, d), "articles/d/index.html": (d, A)},
                  pages={**old.pages, "articles/d/index.html": d})
    assert {"articles/a/index.html", "articles/d/index.html"} <= planned(old, new).outputs
    assert "articles/a/index.html" in planned(new, old).outputs


def test_an_old_address_that_comes_or_goes_renders_the_articles_linking_to_it():
    old = state(paths={A: frozenset({"old/b", "authors"}), B: frozenset(), C: frozenset({"old/c"})}, aliases={})
    new = edited(old, B, "b2", listed="lb2", aliases={"old/b": "b"})
    plan = planned(old, new)
    assert plan.articles == {A, B}  # a's link to /old/b/ now leads straight to b
    assert "articles/a/index.html" in plan.outputs
    moved = edited(new, C, "c2", listed="lc2", aliases={"old/b": "c"})
    assert planned(new, moved).articles == {A, C}
    assert planned(moved, edited(moved, C, "c3", listed="lc3", aliases={})).articles == {A, C}

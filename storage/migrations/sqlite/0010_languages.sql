-- Languages (locales/<locale>/*.ftl): a job remembers whom it speaks to privately and publicly, so a
-- restart keeps its status and result in the same language.
-- member_locale: the member's Discord client language when they started it (Interaction.locale).
-- public_locale: the catalogue its public messages use (/config language, else the server's language).
ALTER TABLE jobs ADD COLUMN member_locale TEXT;
ALTER TABLE jobs ADD COLUMN public_locale TEXT;
-- /config language: the catalogue for this server's public messages; NULL follows its Discord language.
ALTER TABLE guild_settings ADD COLUMN language TEXT;

mail-footer = This message was sent by { $brand }. You cannot reply to it.

password-changed-subject = Your { $brand } password was changed
password-changed-body =
    Hello { $name },

    The password of your { $brand } account { $email } was changed at { $time } (UTC).

    If you did not do this, contact your administrator at once.

api-token-created-subject = A new API token was created for your { $brand } account
api-token-created-body =
    Hello { $name },

    An API token named "{ $token_name }" was created for your account { $email }.
    It expires at { $expires } (UTC).

    If you did not create it, revoke it under Account > API tokens and change your password.
